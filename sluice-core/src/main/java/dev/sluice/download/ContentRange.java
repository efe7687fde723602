package dev.sluice.download;

import java.util.Optional;

/** Parses the Content-Range values a resumed download meets (RFC 9110 §14.4). */
final class ContentRange {
    private ContentRange() {
    }

    /** The first byte of {@code bytes FIRST-LAST/SIZE}, or -1 when the value is not of that form. */
    static long start(String value) {
        String v = value.trim();
        if (!v.regionMatches(true, 0, "bytes ", 0, 6)) {
            return -1;
        }
        int dash = v.indexOf('-', 6);
        if (dash < 0) {
            return -1;
        }
        try {
            return Long.parseLong(v.substring(6, dash).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The SIZE of {@code bytes * /SIZE} (a 416's answer), when present. */
    static Optional<Long> unsatisfiedSize(String value) {
        String v = value.trim();
        if (!v.regionMatches(true, 0, "bytes */", 0, 8)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.substring(8).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
