package dev.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/** Runs {@code sluice demo} in this JVM with files small enough to take a second or two. */
class DemoCommandTest {
    /** Three files of 40 KiB: the last block of each is short, so block edges are covered. */
    private static final String[] TINY = {"--files", "3", "--size", "40K", "--latency", "2", "--bandwidth", "8M",
        "--concurrency", "2"};

    @TempDir
    Path dir;

    record Run(int exitCode, String stdout, String stderr) {
        /** The table row of {@code mode}, split on runs of two spaces or more. */
        List<String> row(Mode mode) {
            String line = stdout.lines().filter(l -> l.startsWith(mode.label() + " ")).findFirst().orElseThrow(
                    () -> new AssertionError("no row for " + mode.label() + " in:\n" + stdout));
            String rest = line.substring(mode.label().length()).trim();
            List<String> cells = new ArrayList<>(List.of(mode.label()));
            cells.addAll(List.of(rest.split(" {2,}")));
            return cells;
        }
    }

    private Run run(DemoCommand command, ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        int code = cl.execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run run(String... args) {
        return run(null, args);
    }

    private Run run(Integer corruptedFile, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DemoCommand command = new DemoCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (corruptedFile != null) {
            command.corruptFile(corruptedFile);
        }
        return run(command, out, err, args);
    }

    private String[] tinyWithChart(Path chart) {
        return Stream.concat(Stream.of(TINY), Stream.of("--chart", chart.toString())).toArray(String[]::new);
    }

    @Test
    void printsOneRowPerModeWithEveryFileVerifiedAndWritesTheChart() throws Exception {
        Path chart = dir.resolve("chart.svg");
        Set<Path> tempsBefore = demoTempDirs();

        Run r = run(tinyWithChart(chart));

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        for (Mode mode : Mode.values()) {
            List<String> cells = r.row(mode);
            assertThat(cells).as(cells.toString()).hasSize(6);
            assertThat(cells.get(1)).as("files").isEqualTo("3");
            assertThat(cells.get(2)).as("bytes").isEqualTo(Long.toString(3 * 40 * 1024));
            assertThat(cells.get(3)).as("wall time").matches("\\d+\\.\\d+ s");
            assertThat(cells.get(4)).as("throughput").matches("\\d+(\\.\\d)? (B|KiB|MiB|GiB)/s");
            assertThat(cells.get(5)).as("peak memory").matches("\\d+(\\.\\d)? (B|KiB|MiB|GiB)");
        }
        assertThat(r.stdout()).contains("Chart: " + chart.toAbsolutePath());
        assertThat(r.stdout()).contains("Downloading 2 at a time took");
        assertThat(Files.exists(chart)).isTrue();
        assertThat(demoTempDirs()).as("temporary directories left behind").isEqualTo(tempsBefore);
    }

    @Test
    void theChartIsWellFormedSvgWithOneBarPerMode() throws Exception {
        Path chart = dir.resolve("chart.svg");
        assertThat(run(tinyWithChart(chart)).exitCode()).isZero();

        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document svg = factory.newDocumentBuilder().parse(chart.toFile());
        Element root = svg.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        NodeList rects = root.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        int bars = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            if ("bar".equals(((Element) rects.item(i)).getAttribute("class"))) {
                bars++;
            }
        }
        assertThat(bars).isEqualTo(Mode.values().length);
        assertThat(root.getTextContent()).contains("3 files of 40.0 KiB", "2 ms round trip", "8.0 MiB/s per connection",
                "concurrency 2", "wall time (seconds)");
    }

    @Test
    void aFileThatArrivesCorruptedFailsVerificationWithExitCode7() {
        Run r = run(1, tinyWithChart(dir.resolve("chart.svg")));

        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(DemoCommand.INTEGRITY);
        for (Mode mode : Mode.values()) {
            assertThat(r.row(mode).get(1)).as("verified files").isEqualTo("2/3");
            assertThat(r.stderr()).contains("mode " + mode.label() + ": 01.bin: checksum mismatch after 40960 bytes");
        }
        assertThat(r.stderr()).doesNotContain("00.bin", "02.bin");
        assertThat(r.stderr().lines().toList().getLast()).isEqualTo("sluice: demo: 4 of 12 downloads failed verification");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--files 0", "--files -2", "--files many", "--files 10001",
        "--size 0", "--size -1K", "--size 2X", "--size 2G",
        "--latency -1", "--latency 10001", "--latency 0.5",
        "--bandwidth 0", "--bandwidth 100", "--bandwidth fast",
        "--concurrency 0", "--concurrency 1001", "-j x",
        "--unknown", "extra"})
    void badOptionsAreUsageErrors(String options) {
        Path chart = dir.resolve("chart.svg");
        List<String> args = new ArrayList<>(List.of(options.split(" ")));
        args.addAll(List.of("--chart", chart.toString()));

        Run r = run(args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(DemoCommand.USAGE);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isNotBlank();
        assertThat(Files.exists(chart)).isFalse();
    }

    @Test
    void aChartPathThatIsADirectoryIsAUsageError() {
        Run r = run("--files", "1", "--chart", dir.toString());
        assertThat(r.exitCode()).isEqualTo(DemoCommand.USAGE);
        assertThat(r.stderr()).contains("--chart must name a file");
    }

    @Test
    void aChartInADirectoryThatDoesNotExistFailsWithExitCode8BeforeAnyDownload() {
        // A local I/O error, as README and the help say, and as get -o and --report have it.
        Path chart = dir.resolve("no-such-dir").resolve("chart.svg");
        Run r = run(tinyWithChart(chart));
        assertThat(r.exitCode()).isEqualTo(DemoCommand.LOCAL_IO);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("cannot write the chart to", "no-such-dir");
    }

    @Test
    void aChartDirectoryThatRefusesNewFilesFailsWithExitCode8BeforeAnyDownload() {
        // /proc refuses a new file even to root, which the permission bits would not stop.
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc) && Files.exists(proc.resolve("self")), "no Linux /proc");
        Path chart = proc.resolve("sluice-demo-test.svg");

        Run r = run(tinyWithChart(chart));

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(DemoCommand.LOCAL_IO);
        assertThat(r.stdout()).as("nothing ran").isEmpty();
        assertThat(r.stderr().lines().toList()).singleElement().asString()
                .startsWith("sluice: demo: cannot write the chart to " + chart + ": ");
    }

    @Test
    void aChartDirectoryWithoutWritePermissionFailsWithExitCode8BeforeAnyDownload() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        try {
            assumeFalse(Files.isWritable(locked), "this user can write a directory of mode 500");
            Path chart = locked.resolve("chart.svg");

            Run r = run(tinyWithChart(chart));

            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(DemoCommand.LOCAL_IO);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).isEqualTo("sluice: demo: cannot write the chart to " + chart
                    + ": permission denied" + System.lineSeparator());
        } finally {
            Files.setPosixFilePermissions(locked, Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        }
    }

    @Test
    void anExistingChartPassesTheTrialWriteAndIsReplaced() throws IOException {
        Path existing = Files.writeString(dir.resolve("existing.svg"), "an older chart");
        Run r = run(tinyWithChart(existing));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(Files.readString(existing)).startsWith("<?xml");
    }

    @Test
    void aStandardOutputThatCannotBeWrittenIsExitCode8NotASilentSuccess() {
        Path chart = dir.resolve("chart.svg");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        DemoCommand command = new DemoCommand(full, new PrintStream(err, true, StandardCharsets.UTF_8));

        Run r = run(command, new ByteArrayOutputStream(), err, tinyWithChart(chart));

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(DemoCommand.LOCAL_IO);
        assertThat(r.stderr()).isEqualTo("sluice: demo: cannot write to standard output: No space left on device"
                + System.lineSeparator());
        assertThat(Files.exists(chart)).as("the demo stopped before running the modes").isFalse();
    }

    private static Set<Path> demoTempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("sluice-demo-")).collect(Collectors.toSet());
        }
    }
}
