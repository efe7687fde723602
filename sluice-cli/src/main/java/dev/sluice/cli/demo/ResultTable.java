package dev.sluice.cli.demo;

import dev.sluice.cli.demo.DemoSettings.Format;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's table, printed a row at a time as each mode ends, and the sentences that read it.
 * Every figure comes from a {@link ModeResult}; nothing here is a constant result.
 */
final class ResultTable {
    private static final String ROW = "%-38s %7s %12s %10s %13s %12s%n";
    /** Within this fraction two times count as the same: runs on a loaded machine vary that much. */
    private static final double SAME = 0.05;
    /**
     * Below this wall time a mode is not compared with another: a few milliseconds of thread
     * start-up, scheduling or a GC pause, which runs of the same mode vary by, would be most of
     * the figure, and "1.2x slower" would be noise.
     */
    static final double COMPARABLE_SECONDS = 0.010;

    private final PrintStream out;
    private final DemoSettings settings;

    ResultTable(PrintStream out, DemoSettings settings) {
        this.out = out;
        this.settings = settings;
    }

    void printHeader() {
        out.printf(Locale.ROOT, ROW, "mode", "files", "bytes", "wall time", "throughput", "peak memory");
    }

    void printRow(ModeResult r) {
        long total = r.outcomes().size();
        String files = r.verifiedFiles() == total ? Long.toString(total) : r.verifiedFiles() + "/" + total;
        out.printf(Locale.ROOT, ROW, r.mode().label(), files, r.bytes(), Format.seconds(r.seconds()),
                Format.rate(r.throughput()), Format.bytes(r.peakHeapBytes()));
    }

    /** What the columns and modes mean, after the table. */
    void printKey() {
        out.println();
        for (Mode m : Mode.values()) {
            out.println("  " + m.label().charAt(0) + ": " + m.description(settings.concurrency()));
        }
        out.println("  files: verified by SHA-256 while streaming; throughput: bytes / wall time;");
        out.println("  peak memory: the most JVM heap in use during the mode (live objects and garbage not yet");
        out.println("  collected, whole JVM, server included), from the heap pools after a GC and a reset before each mode.");
    }

    /**
     * Two or three sentences computed from the figures. Two modes are compared only when both
     * took at least {@link #COMPARABLE_SECONDS}; otherwise the sentences give the times alone
     * and say why.
     */
    static List<String> interpret(Map<Mode, ModeResult> results, DemoSettings settings) {
        Map<Mode, ModeResult> r = new EnumMap<>(results);
        double sequential = r.get(Mode.SEQUENTIAL_SYNC).seconds();
        double oneByOne = r.get(Mode.ONE_BY_ONE_ASYNC).seconds();
        double async = r.get(Mode.CONCURRENT_ASYNC).seconds();
        double threads = r.get(Mode.CONCURRENT_VIRTUAL_THREADS).seconds();
        List<String> sentences = new ArrayList<>();
        boolean concurrentComparable = comparable(sequential, async, threads);
        sentences.add(String.format(Locale.ROOT,
                "%s took %s with the async API and %s with plain sync code on virtual threads, against %s one"
                        + " after the other%s (the least this network allows is %s against %s).",
                concurrentLead(settings), Format.seconds(async), Format.seconds(threads), Format.seconds(sequential),
                concurrentComparable ? ": " + compare(sequential, async) + " and " + compare(sequential, threads) : "",
                Format.seconds(settings.floorSeconds(Mode.CONCURRENT_ASYNC)),
                Format.seconds(settings.floorSeconds(Mode.SEQUENTIAL_SYNC))));

        List<String> clauses = new ArrayList<>();
        boolean threadsComparable = comparable(threads, async);
        if (threadsComparable) {
            clauses.add("virtual-thread sync code was " + relative(threads, async) + " the async API");
        }
        boolean oneByOneComparable = comparable(oneByOne, sequential);
        if (oneByOneComparable) {
            clauses.add("one-by-one async downloads were " + relative(oneByOne, sequential) + " sequential sync ones"
                    + (Math.abs(oneByOne / sequential - 1) <= SAME
                            ? ": asynchrony alone does not make downloads faster, concurrency does"
                            : ""));
        }
        if (!clauses.isEmpty()) {
            String joined = String.join("; ", clauses);
            sentences.add(Character.toUpperCase(joined.charAt(0)) + joined.substring(1) + ".");
        }
        if (!(concurrentComparable && threadsComparable && oneByOneComparable)) {
            sentences.add(String.format(Locale.ROOT, "Modes that took less than %.2f s are not compared: times that"
                    + " short are mostly noise (more files, larger ones or a longer --latency give figures to"
                    + " compare).", COMPARABLE_SECONDS));
        }
        return sentences;
    }

    /** "Downloading 8 at a time", or what the concurrent modes did when they could run only one at a time. */
    private static String concurrentLead(DemoSettings settings) {
        if (settings.atOnce() > 1) {
            return "Downloading " + settings.atOnce() + " at a time";
        }
        return "With one download at a time (" + (settings.files() == 1 ? "a single file" : "--concurrency 1")
                + "), the concurrent modes";
    }

    /** Whether every one of these times is long enough for a ratio of them to mean something. */
    private static boolean comparable(double... seconds) {
        for (double s : seconds) {
            if (!(s >= COMPARABLE_SECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** "7.6x faster", "1.3x slower" or "as fast": {@code other} against {@code base}. */
    private static String compare(double base, double other) {
        if (Math.abs(other / base - 1) <= SAME) {
            return "as fast";
        }
        return other < base
                ? String.format(Locale.ROOT, "%.1fx faster", base / other)
                : String.format(Locale.ROOT, "%.1fx slower", other / base);
    }

    /** "within 3% of", "12% slower than", "8% faster than": {@code time} against {@code reference}. */
    private static String relative(double time, double reference) {
        double change = time / reference - 1;
        long percent = Math.round(Math.abs(change) * 100);
        if (Math.abs(change) <= SAME) {
            return "within " + Math.max(1, percent) + "% of";
        }
        return percent + (change > 0 ? "% slower than" : "% faster than");
    }
}
