package dev.sluice.bench.scale;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What one client program measured about itself, printed as one {@code RESULT} line that
 * {@link Runner} parses: the in-process wall time (first request sent to last body verified,
 * JVM start excluded), the process CPU time over the same span, and the verification counts.
 */
final class Outcome {
    private final long startNanos = System.nanoTime();
    private final long startCpu = processCpuNanos();

    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** Prints the line and returns the exit status: 0 only when every transfer was verified. */
    int report(int expected, int ok, long bytes, String firstError) {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double cpu = (processCpuNanos() - startCpu) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT inwall=%.4f incpu=%.4f ok=%d expected=%d bytes=%d%n",
                wall, cpu, ok, expected, bytes);
        if (firstError != null) {
            System.err.println("first failure: " + firstError);
        }
        System.out.flush();
        return ok == expected ? 0 : 1;
    }
}
