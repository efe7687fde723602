package dev.sluice.bench.scale;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of the JVM's JIT compiler threads, read from Linux's per-thread accounting
 * ({@code /proc/self/task/TID/schedstat}, nanoseconds on a CPU). {@link CompilationMXBean}'s
 * figure is the compilations' elapsed time instead: on a machine whose cores the compiler
 * shares with the program and the server, a compilation waiting for a core counts there too,
 * and it read up to twice the compiler threads' CPU time in runs here.
 */
final class CompilerThreads {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** How {@link #summary()} starts, for {@link Runner} to find the line. */
    static final String SUMMARY = "threads' CPU s since they started:";
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private final Map<String, Long> startNanos;
    private final long startElapsedMillis;

    private CompilerThreads(Map<String, Long> startNanos, long startElapsedMillis) {
        this.startNanos = startNanos;
        this.startElapsedMillis = startElapsedMillis;
    }

    /** Starts a span. */
    static CompilerThreads start() {
        return new CompilerThreads(compilerNanos(), elapsedMillis());
    }

    /**
     * CPU seconds the compiler threads spent since {@link #start()}. A compiler thread that has
     * ended by then is missed, with what it spent in the span: the JVM keeps one thread of each
     * compiler and ends the others it added when they idle, so on a machine with more than one
     * of a kind the figure can read low (on 2 cores there is one of each). Where /proc cannot
     * be read, the MXBean's elapsed time (NaN when it has none).
     */
    double seconds() {
        Map<String, Long> now = compilerNanos();
        if (now == null || startNanos == null) {
            long end = elapsedMillis();
            return startElapsedMillis < 0 || end < 0 ? Double.NaN : (end - startElapsedMillis) / 1e3;
        }
        long sum = 0;
        for (Map.Entry<String, Long> e : now.entrySet()) {
            sum += e.getValue() - startNanos.getOrDefault(e.getKey(), 0L);
        }
        return sum / 1e9;
    }

    /** The compiler threads' CPU nanoseconds by thread id, or null when /proc cannot say. */
    private static Map<String, Long> compilerNanos() {
        Map<String, Task> tasks = tasks();
        if (tasks == null) {
            return null;
        }
        Map<String, Long> byTid = new HashMap<>();
        tasks.forEach((tid, t) -> {
            if (t.kind().equals("c1") || t.kind().equals("c2")) {
                byTid.put(tid, t.cpuNanos());
            }
        });
        return byTid.isEmpty() ? null : byTid;
    }

    private static long elapsedMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
    }

    /** CPU seconds of the process's threads by kind since they started, for a program's error output. */
    static String summary() {
        Map<String, Task> tasks = tasks();
        if (tasks == null) {
            return "threads: /proc/self/task cannot be read";
        }
        TreeMap<String, Double> byKind = new TreeMap<>();
        tasks.values().forEach(t -> byKind.merge(t.kind(), t.cpuNanos() / 1e9, Double::sum));
        StringBuilder sb = new StringBuilder(SUMMARY);
        byKind.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s=%.2f", k, v)));
        return sb.toString();
    }

    /** One thread of this process: its kind (c1, c2, gc, carriers, other) and its CPU time so far. */
    private record Task(String kind, long cpuNanos) {
    }

    /** This process's threads by id, or null when /proc cannot be read. */
    private static Map<String, Task> tasks() {
        Map<String, Task> byTid = new HashMap<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    String stat = Files.readString(task.resolve("schedstat"));
                    byTid.put(task.getFileName().toString(),
                            new Task(kind(comm), Long.parseLong(stat.substring(0, stat.indexOf(' ')))));
                } catch (IOException | RuntimeException gone) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return byTid;
    }

    private static String kind(String comm) {
        return comm.startsWith("C2 ") ? "c2" : comm.startsWith("C1 ") ? "c1"
                : comm.startsWith("GC") || comm.startsWith("G1") ? "gc"
                // Virtual threads' carriers; not the common pool (ForkJoinPool.commonPool-...).
                : comm.startsWith("ForkJoinPool-") ? "carriers" : "other";
    }
}
