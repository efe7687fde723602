package dev.sluice.cli.demo;

import dev.sluice.SluiceException;
import dev.sluice.cli.ErrorLine;
import dev.sluice.cli.FailureKeepingStream;
import dev.sluice.cli.Utf8Arguments;
import dev.sluice.cli.demo.DemoSettings.Format;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice demo}: with no network and no setup, serves generated files from an in-process
 * server on 127.0.0.1 with a simulated round trip and bandwidth, downloads them four ways
 * ({@link Mode}), verifies every file by SHA-256 while it streams, and prints one table plus
 * an SVG chart. Every figure is measured in this run.
 *
 * <pre>{@code
 * int code = new CommandLine(new DemoCommand(System.out, System.err)).execute("--files", "8");
 * }</pre>
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = DemoCommand.Version.class,
        sortOptions = false,
        description = {
            "Downloads the same generated files four ways and compares them.",
            "The files come from an in-process server on 127.0.0.1 that simulates a",
            "round trip per request and a bandwidth per connection: (1) one after the",
            "other with the synchronous API, (2) one by one with the asynchronous API,",
            "(3) concurrently with the asynchronous API, (4) concurrently as plain",
            "synchronous code on virtual threads. Every file is verified by SHA-256.",
            "Prints a table (files, bytes, wall time, throughput, peak memory: the JVM",
            "heap in use) and writes a bar chart (SVG). No network and no setup needed."},
        footer = {"",
            "Sizes and rates take the suffixes K, M, G (1024-based): 512K, 2M, 1.5M.",
            "",
            "Exit codes:",
            "  0  every file of every mode arrived and verified",
            "  1  a download failed otherwise (a bug: the server is our own)",
            "  2  usage error: bad option",
            "  7  integrity: a file arrived with the wrong SHA-256 (named on stderr)",
            "  8  local I/O error: the temporary directory, the chart or standard output",
            "     cannot be written (an unwritable chart is found before any download)"})
public final class DemoCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int INTEGRITY = 7;
    static final int LOCAL_IO = 8;
    private static final int MAX_FILES = 10_000;
    private static final long MAX_SIZE = 1L << 30;
    private static final long MAX_LATENCY_MILLIS = 10_000;
    private static final long MIN_BANDWIDTH = 1024;
    private static final int MAX_CONCURRENCY = 1_000;

    private final PrintStream out;
    /** What {@link #out} writes to when this class made it, to tell why a write failed; else null. */
    private final FailureKeepingStream stdout;
    private final PrintStream err;
    /** A test hook: the file the server corrupts, or -1. */
    private int corruptedFile = -1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--files", paramLabel = "N", defaultValue = "24",
            description = "Number of files (default ${DEFAULT-VALUE}).")
    private int files;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "1M", converter = ByteSizeConverter.class,
            description = "Size of each file (default ${DEFAULT-VALUE}).")
    private long size;

    @Option(names = "--latency", paramLabel = "MS", defaultValue = "50",
            description = "Simulated round trip per request, in milliseconds (default ${DEFAULT-VALUE}).")
    private long latencyMillis;

    @Option(names = "--bandwidth", paramLabel = "RATE", defaultValue = "10M", converter = ByteSizeConverter.class,
            description = "Simulated bandwidth of each connection, bytes per second (default ${DEFAULT-VALUE}).")
    private long bandwidth;

    @Option(names = {"-j", "--concurrency"}, paramLabel = "N", defaultValue = "8",
            description = "Downloads at once in the concurrent modes (default ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--chart", paramLabel = "FILE", defaultValue = "sluice-demo.svg",
            description = "Where to write the chart (default ./${DEFAULT-VALUE}).")
    private Path chart;

    /**
     * {@code out} receives the table, {@code err} the failures; neither is closed. A write to
     * {@code out} that fails (a full disk, a closed pipe) ends the demo with exit code 8.
     */
    public DemoCommand(OutputStream out, PrintStream err) {
        if (out instanceof PrintStream p) {
            this.stdout = null;
            this.out = p;
        } else {
            this.stdout = new FailureKeepingStream(out);
            this.out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        }
        this.err = err;
    }

    /** For tests: serve file {@code index} with one byte flipped, so that its verification fails. */
    void corruptFile(int index) {
        corruptedFile = index;
    }

    @Override
    public Integer call() {
        DemoSettings settings = validate();
        Path target = chart.toAbsolutePath();
        String chartProblem = chartProblem(target);
        if (chartProblem != null) {
            // Found before the downloads, not after all four modes ran.
            err.println("sluice: demo: cannot write the chart to " + target + ": " + chartProblem);
            return LOCAL_IO;
        }
        out.println("sluice demo: " + settings.summary());
        out.printf(Locale.ROOT, "The simulated network allows at best %s for the four modes; computing checksums...%n",
                Format.seconds(settings.floorSecondsAll()));
        if (out.checkError()) {
            err.println("sluice: demo: " + outputProblem());
            return LOCAL_IO;
        }
        GeneratedFiles generated = new GeneratedFiles(settings.files(), settings.size());
        List<byte[]> sums = generated.sha256All();
        Path work = null;
        Thread cleanUp = null;
        try (DemoServer server = DemoServer.start(generated, settings.latencyMillis(), settings.bytesPerSecond())) {
            server.corruptFile(corruptedFile);
            work = Files.createTempDirectory("sluice-demo-");
            // Ctrl-C in the middle of a mode must not leave a set of downloaded files behind.
            Path toDelete = work;
            cleanUp = new Thread(() -> deleteTree(toDelete), "sluice-demo-clean-up");
            Runtime.getRuntime().addShutdownHook(cleanUp);
            Map<Mode, ModeResult> results = runAll(server, generated, sums, settings, work);
            return report(results, settings);
        } catch (SluiceException e) {
            err.println("sluice: demo: " + e.getMessage());
            return FAILED;
        } catch (IOException | UncheckedIOException e) {
            err.println("sluice: demo: " + e.getMessage());
            return LOCAL_IO;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("sluice: demo: interrupted");
            return FAILED;
        } finally {
            if (cleanUp != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanUp);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running or about to: it deletes the directory.
                }
            }
            deleteTree(work);
        }
    }

    private Map<Mode, ModeResult> runAll(DemoServer server, GeneratedFiles generated, List<byte[]> sums,
                                         DemoSettings settings, Path work) throws IOException, InterruptedException {
        ModeRunner runner = new ModeRunner(generated, sums, server::uriOf, settings.concurrency());
        runner.warmUp(server.warmUpUri(), work);
        out.printf(Locale.ROOT, "Serving them from http://%s/files/ (in this JVM).%n%n", server.authority());
        ResultTable table = new ResultTable(out, settings);
        table.printHeader();
        Map<Mode, ModeResult> results = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            Path dir = Files.createDirectory(work.resolve(mode.name().toLowerCase(Locale.ROOT)));
            ModeResult r = runner.run(mode, dir);
            deleteTree(dir); // Each mode writes every file; keep at most one set on disk.
            results.put(mode, r);
            table.printRow(r);
            if (out.checkError()) {
                // Nobody sees the table: the remaining modes would run for nothing.
                throw new IOException(outputProblem());
            }
        }
        table.printKey();
        return results;
    }

    private int report(Map<Mode, ModeResult> results, DemoSettings settings) throws IOException {
        String environment = "Java " + Runtime.version().feature() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores";
        Path target = chart.toAbsolutePath();
        try {
            Files.writeString(target, SvgChart.render(List.copyOf(results.values()), settings, environment),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot write the chart to " + target + ": " + ErrorLine.reason(e), e);
        }
        out.println();
        out.println("Chart: " + target);
        out.println();
        ResultTable.interpret(results, settings).forEach(out::println);

        List<String> mismatches = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (ModeResult r : results.values()) {
            for (FileOutcome o : r.failures()) {
                String line = "mode " + r.mode().label() + ": " + o.problem();
                (o.isMismatch() ? mismatches : errors).add(line);
            }
        }
        mismatches.forEach(line -> err.println("sluice: demo: " + line));
        errors.forEach(line -> err.println("sluice: demo: " + line));
        int code = OK;
        if (!errors.isEmpty()) {
            code = FAILED;
        } else if (!mismatches.isEmpty()) {
            err.println("sluice: demo: " + mismatches.size() + " of " + settings.files() * Mode.values().length
                    + " downloads failed verification");
            code = INTEGRITY;
        }
        if (out.checkError()) {
            // The table or its sentences were lost: a run that lost them must not look successful.
            err.println("sluice: demo: " + outputProblem());
            return code == OK ? LOCAL_IO : code;
        }
        return code;
    }

    /**
     * Why the chart cannot be written, or null when it can, found by opening it for writing now
     * (not the permission bits alone: an immutable directory, a read-only file system or /proc
     * refuse root too). An existing regular file is opened without truncating it; a chart that
     * did not exist is created and removed again.
     */
    private static String chartProblem(Path target) {
        try {
            if (Files.isRegularFile(target)) {
                try (FileChannel ignored = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    return null;
                }
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                // A device, a pipe (opening one would wait for a reader), or a link to nothing
                // (writing creates its target): left to the real write.
                return null;
            }
            try (FileChannel ignored = FileChannel.open(target, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW)) {
                // Only a trial: the chart is written after the run.
            }
            Files.delete(target);
            return null;
        } catch (IOException e) {
            return ErrorLine.reason(e);
        }
    }

    /** The line for a failed write to standard output, with its cause when known. */
    private String outputProblem() {
        IOException cause = stdout == null ? null : stdout.failure();
        return "cannot write to standard output" + (cause == null ? "" : ": " + ErrorLine.reason(cause));
    }

    private DemoSettings validate() {
        Utf8Arguments.require(spec);
        check(files >= 1 && files <= MAX_FILES, "--files must be 1 to " + MAX_FILES + ": " + files);
        check(size <= MAX_SIZE, "--size must be at most 1G: " + size);
        check(latencyMillis >= 0 && latencyMillis <= MAX_LATENCY_MILLIS,
                "--latency must be 0 to " + MAX_LATENCY_MILLIS + " ms: " + latencyMillis);
        check(bandwidth >= MIN_BANDWIDTH, "--bandwidth must be at least 1K (bytes per second): " + bandwidth);
        check(concurrency >= 1 && concurrency <= MAX_CONCURRENCY,
                "--concurrency must be 1 to " + MAX_CONCURRENCY + ": " + concurrency);
        check(chart.getFileName() != null && !Files.isDirectory(chart), "--chart must name a file: " + chart);
        // A missing directory is found by the trial write (exit 8), as get -o and --report have it.
        return new DemoSettings(files, size, latencyMillis, bandwidth, concurrency);
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** Removes {@code dir} and everything in it, best effort: it is ours and temporary. */
    private void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            err.println("sluice: demo: cannot remove the temporary directory " + dir + ": " + e.getMessage());
        }
    }

    /** Removes {@code dir} and everything in it. */
    static void deleteRecursively(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * The version {@code sluice -V} prints, asked of the root command, so that every command
     * prints the same line. The root has no provider of its own when this command runs alone
     * (in tests): then there is no version line.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Spec
        private CommandSpec spec;

        @Override
        public String[] getVersion() {
            CommandSpec root = spec.root();
            return root == spec ? new String[0] : root.version();
        }
    }
}
