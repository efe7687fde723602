package dev.sluice.cli;

import java.util.Locale;

/** How sizes, rates and durations are written for people (never in the JSON report). */
final class Units {
    private static final String[] BINARY_PREFIXES = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 10.0 MiB}: 1024-based, one decimal. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int prefix = -1;
        // 1023.96 KiB would print as "1024.0 KiB": such a value moves up a prefix too.
        while (v >= 1024 - 0.05 && prefix < BINARY_PREFIXES.length - 1) {
            v /= 1024;
            prefix++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, BINARY_PREFIXES[prefix]);
    }

    /** {@code 3.4 MiB/s}. */
    static String rate(double bytesPerSecond) {
        return bytes((long) Math.max(0, bytesPerSecond)) + "/s";
    }

    /** {@code 0.21 s}: the per-file and total times of the summary. */
    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }

    /** A time left: {@code 42s}, {@code 3m05s}, {@code 2h07m}. */
    static String eta(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
