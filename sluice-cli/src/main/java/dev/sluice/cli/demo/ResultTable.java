package dev.sluice.cli.demo;

import dev.sluice.cli.demo.DemoSettings.Format;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's table, printed a row at a time as each mode ends, and the sentences that read it.
 * Every figure comes from a {@link ModeResult}; nothing here is a constant result.
 */
final class ResultTable {
    private static final String ROW = "%-38s %7s %12s %10s %13s %10s%n";
    /** Within this fraction two times count as the same: runs on a loaded machine vary that much. */
    private static final double SAME = 0.05;

    private final PrintStream out;
    private final DemoSettings settings;

    ResultTable(PrintStream out, DemoSettings settings) {
        this.out = out;
        this.settings = settings;
    }

    void printHeader() {
        out.printf(Locale.ROOT, ROW, "mode", "files", "bytes", "wall time", "throughput", "peak heap");
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
        out.println("  peak heap: most heap in use during the mode (live objects and garbage not yet collected,");
        out.println("  whole JVM, server included), from the JVM's heap pools after a GC and a reset before each mode.");
    }

    /** One or two sentences computed from the figures. */
    static List<String> interpret(Map<Mode, ModeResult> results, DemoSettings settings) {
        Map<Mode, ModeResult> r = new EnumMap<>(results);
        double sequential = r.get(Mode.SEQUENTIAL_SYNC).seconds();
        double oneByOne = r.get(Mode.ONE_BY_ONE_ASYNC).seconds();
        double async = r.get(Mode.CONCURRENT_ASYNC).seconds();
        double threads = r.get(Mode.CONCURRENT_VIRTUAL_THREADS).seconds();
        String first = String.format(Locale.ROOT,
                "Downloading %d at a time took %s with the async API and %s with plain sync code on virtual"
                        + " threads, against %s one after the other: %s and %s (the least this network allows"
                        + " is %s against %s).",
                settings.concurrency(), Format.seconds(async), Format.seconds(threads), Format.seconds(sequential),
                compare(sequential, async), compare(sequential, threads),
                Format.seconds(settings.floorSeconds(Mode.CONCURRENT_ASYNC)),
                Format.seconds(settings.floorSeconds(Mode.SEQUENTIAL_SYNC)));
        String second = String.format(Locale.ROOT,
                "Virtual-thread sync code was %s the async API; one-by-one async downloads were %s sequential"
                        + " sync ones%s",
                relative(threads, async), relative(oneByOne, sequential),
                Math.abs(oneByOne / sequential - 1) <= SAME
                        ? ": asynchrony alone does not make downloads faster, concurrency does."
                        : ".");
        return List.of(first, second);
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
