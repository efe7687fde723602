package dev.sluice.cli.demo;

import java.util.Locale;

/**
 * The parameters of a demo run and what the simulated network allows with them: every file
 * costs at least one round trip plus its size over the bandwidth of one connection.
 */
record DemoSettings(int files, long size, long latencyMillis, long bytesPerSecond, int concurrency) {
    /** The least time one file can take: one round trip, then its bytes at the connection's pace. */
    double secondsPerFile() {
        return latencyMillis / 1e3 + (double) size / bytesPerSecond;
    }

    /** The least time the mode can take on this network. */
    double floorSeconds(Mode mode) {
        return waves(mode) * secondsPerFile();
    }

    /** How many files one connection has to carry one after the other. */
    long waves(Mode mode) {
        return mode.isConcurrent() ? (files + concurrency - 1) / concurrency : files;
    }

    /**
     * How many downloads the concurrent modes actually run at once: the concurrency, or fewer
     * when there are fewer files.
     */
    int atOnce() {
        return Math.min(concurrency, files);
    }

    /** The least time of all four modes together. */
    double floorSecondsAll() {
        double sum = 0;
        for (Mode m : Mode.values()) {
            sum += floorSeconds(m);
        }
        return sum;
    }

    /** {@code 24 files of 2.0 MiB, 50 ms round trip, 10.0 MiB/s per connection, concurrency 8}. */
    String summary() {
        return files + (files == 1 ? " file of " : " files of ") + Format.bytes(size) + ", " + latencyMillis
                + " ms round trip, " + Format.rate(bytesPerSecond) + " per connection, concurrency " + concurrency;
    }

    /** Number formats shared by the table and the chart: binary prefixes, as the rest of the CLI. */
    static final class Format {
        private static final String[] PREFIXES = {"KiB", "MiB", "GiB", "TiB"};

        private Format() {
        }

        static String bytes(double n) {
            if (n < 1024) {
                return String.format(Locale.ROOT, "%.0f B", n);
            }
            int p = -1;
            while (n >= 1024 && p < PREFIXES.length - 1) {
                n /= 1024;
                p++;
            }
            return String.format(Locale.ROOT, "%.1f %s", n, PREFIXES[p]);
        }

        static String rate(double bytesPerSecond) {
            return bytes(bytesPerSecond) + "/s";
        }

        static String seconds(double s) {
            return String.format(Locale.ROOT, s < 10 ? "%.2f s" : "%.1f s", s);
        }
    }
}
