package dev.sluice.bench.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What one client program measured about itself, printed as one {@code RESULT} line that
 * {@link Runner} parses: the in-process wall time (first request sent to last body verified,
 * JVM start excluded), the process CPU time over the same span, the CPU time of the JIT
 * compiler threads over that span ({@link CompilerThreads}), and the verification counts.
 *
 * <p>A program may do its job several times in one process ({@code --rounds R}): a JVM that has
 * run the job once has compiled its hot code, as a long-running application has; the line then
 * reports the last round (or the first that did not verify everything).
 */
final class Outcome {
    // In this order: what the first two cost to set up (reading /proc, the MXBean's first call)
    // falls before the span they measure, not in it.
    private final CompilerThreads jit = CompilerThreads.start();
    private final long startCpu = processCpuNanos();
    private final long startNanos = System.nanoTime();

    /** One round of a program's job. */
    interface Round {
        Result run(int round) throws Exception;
    }

    /** What one round measured; {@link #print()} writes it as the {@code RESULT} line. */
    record Result(double wall, double cpu, double jit, int expected, int ok, long bytes, String firstError) {
        boolean verified() {
            return ok == expected;
        }

        /** Prints the line and returns the exit status: 0 only when every transfer was verified. */
        int print() {
            System.out.printf(Locale.ROOT, "RESULT inwall=%.4f incpu=%.4f jit=%.4f ok=%d expected=%d bytes=%d%n",
                    wall, cpu, jit, ok, expected, bytes);
            System.err.println(CompilerThreads.summary());
            if (firstError != null) {
                System.err.println("first failure: " + firstError);
            }
            System.out.flush();
            return verified() ? 0 : 1;
        }
    }

    /**
     * Runs {@code rounds} rounds and returns the exit status of the last one, or of the first
     * that did not verify everything (the rounds after it are not run).
     */
    static int rounds(int rounds, Round round) throws Exception {
        return rounds(rounds, null, round);
    }

    /** {@link #rounds(int, Round)} for a job that writes files into {@code dir}, emptied before each round but the first. */
    static int rounds(int rounds, Path dir, Round round) throws Exception {
        for (int i = 1; ; i++) {
            if (i > 1 && dir != null) {
                emptyDirectory(dir);
            }
            Result r = round.run(i);
            if (i >= rounds || !r.verified()) {
                return r.print();
            }
            System.err.printf(Locale.ROOT, "round %d of %d: %.3f s, %.2f CPU-s, %.2f s JIT, %d/%d verified%n",
                    i, rounds, r.wall(), r.cpu(), r.jit(), r.ok(), r.expected());
        }
    }

    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** Ends the span that began when this object was made. */
    Result end(int expected, int ok, long bytes, String firstError) {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double cpu = (processCpuNanos() - startCpu) / 1e9;
        return new Result(wall, cpu, jit.seconds(), expected, ok, bytes, firstError);
    }

    /** Empties {@code dir} (kept itself) between rounds that write files into it. */
    private static void emptyDirectory(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }
}
