package dev.sluice.download;

import java.util.Optional;

/**
 * The control record of a segmented part file: the size and validator of the file it is a
 * part of, then for each segment its first and last byte and how many of its bytes have been
 * written. Kept as text in an extended attribute of the part:
 *
 * <pre>
 * 6291456 "abc"
 * 0 3145727 1048576
 * 3145728 6291455 3145728
 * </pre>
 *
 * <p>A segmented part is preallocated to the full size, so its size says nothing of what it
 * holds: only this record does. Byte counts in it never run ahead of the bytes written.
 */
final class SegmentRecord {
    private final long size;
    private final String validator;
    private final long[][] segments;

    private SegmentRecord(long size, String validator, long[][] segments) {
        this.size = size;
        this.validator = validator;
        this.segments = segments;
    }

    /**
     * The record's text for a file of {@code size} under {@code validator}, with segments as
     * {@code {first, last, done}}.
     */
    static String format(long size, String validator, long[][] segments) {
        StringBuilder b = new StringBuilder().append(size).append(' ').append(encode(validator)).append('\n');
        // Other segments may be moving on meanwhile; each count read is at most what was written.
        for (long[] s : segments) {
            b.append(s[0]).append(' ').append(s[1]).append(' ').append(s[2]).append('\n');
        }
        return b.toString();
    }

    /** The record in {@code text}, or empty when it is not one sluice wrote. */
    static Optional<SegmentRecord> parse(String text) {
        String[] lines = text.split("\n");
        int space = lines[0].indexOf(' ');
        if (lines.length < 2 || space <= 0) {
            return Optional.empty();
        }
        try {
            long size = Long.parseLong(lines[0].substring(0, space));
            long[][] segments = new long[lines.length - 1][];
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].trim().split(" ");
                if (f.length != 3) {
                    return Optional.empty();
                }
                segments[i - 1] = new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
            }
            return covers(size, segments) ? Optional.of(new SegmentRecord(size, lines[0].substring(space + 1), segments))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the segments follow one another from byte 0 to the end of a file of {@code size},
     * each with a count of bytes done that fits in it: a record that does not is not trusted.
     */
    private static boolean covers(long size, long[][] segments) {
        long next = 0;
        for (long[] s : segments) {
            if (s[0] != next || s[1] < s[0] || s[2] < 0 || s[2] > s[1] - s[0] + 1) {
                return false;
            }
            next = s[1] + 1;
        }
        return next == size;
    }

    /** Whether this is the record of a file of {@code size} under {@code validator}. */
    boolean isOf(long size, String validator) {
        return this.size == size && this.validator.equals(encode(validator));
    }

    /** Whether every segment has been written to its end. */
    boolean isComplete() {
        for (long[] s : segments) {
            if (s[2] != s[1] - s[0] + 1) {
                return false;
            }
        }
        return true;
    }

    long size() {
        return size;
    }

    /** The segments as {@code {first, last, done}}, a copy that the caller may update. */
    long[][] segments() {
        long[][] copy = new long[segments.length][];
        for (int i = 0; i < segments.length; i++) {
            copy[i] = segments[i].clone();
        }
        return copy;
    }

    /** The record is split at spaces and lines; a validator holds neither once encoded. */
    private static String encode(String validator) {
        return validator.replace(' ', '_').replace('\n', '_');
    }
}
