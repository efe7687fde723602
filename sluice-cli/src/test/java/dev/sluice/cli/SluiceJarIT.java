package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Ports;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar run as a real process, as {@code ./sluice} runs it: what reaches the file
 * descriptors (stdout bytes, the stderr line) and the process exit code.
 */
class SluiceJarIT {
    private static final Path JAR = Path.of(System.getProperty("sluice.jar", "target/sluice.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final long PROCESS_TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void aBinaryBodyReachesStdoutByteForByte() throws Exception {
        int length = 5 << 20;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + length)).sendPattern(length)))) {
            ProcessRun run = sluice(Map.of(), "get", server.uri("/big").toString());

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).isEqualTo(PatternBytes.bytes(0, length));
            assertThat(run.stderr()).isEmpty();
        }
    }

    @Test
    void anErrorStatusExitsWith3WithOneLineOnStderrAndNothingOnStdout() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(404, "not found page"))))) {
            ProcessRun run = sluice(Map.of(), "get", server.uri("/x").toString());

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.stdout()).isEmpty();
            assertThat(run.stderr()).isEqualTo("sluice: " + server.uri("/x") + ": HTTP 404 Not Found\n");
        }
    }

    @Test
    void aTruncatedDownloadExitsWith6AndLeavesNoFile() throws Exception {
        Path file = dir.resolve("out.bin");
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000")).send("0123456789").close()))) {
            ProcessRun run = sluice(Map.of(), "get", server.uri("/cut").toString(), "-o", file.toString());

            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(6);
            assertThat(run.stderr().lines()).singleElement().asString().startsWith("sluice: " + server.uri("/cut"));
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("stdout", "stderr");
            }
        }
    }

    @Test
    void aRefusedConnectionExitsWith4() throws Exception {
        ProcessRun run = sluice(Map.of(), "get", "http://127.0.0.1:" + Ports.closedPort() + "/");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(4);
        assertThat(run.stderr().lines()).hasSize(1);
    }

    @Test
    void noCommandExitsWith2AndVersionWith0() throws Exception {
        ProcessRun none = sluice(Map.of());
        ProcessRun version = sluice(Map.of(), "--version");

        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.stderr()).startsWith("sluice: missing command\nUsage: sluice");
        assertThat(version.exitCode()).isZero();
        assertThat(new String(version.stdout(), StandardCharsets.UTF_8)).matches("sluice \\d+\\.\\d+\\.\\d+.*\n");
    }

    @Test
    void sluiceDebugShowsTheStackTrace() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send("garbage\r\n").close()))) {
            ProcessRun quiet = sluice(Map.of(), "get", server.uri("/").toString());
            ProcessRun debug = sluice(Map.of("SLUICE_DEBUG", "1"), "get", server.uri("/").toString());

            assertThat(quiet.exitCode()).isEqualTo(6);
            assertThat(quiet.stderr()).doesNotContain("\tat ");
            assertThat(debug.exitCode()).isEqualTo(6);
            assertThat(debug.stderr()).contains("ProtocolViolationException", "\tat ");
        }
    }

    @Test
    void aClosedStdoutIsALocalIoError() throws Exception {
        long length = 256L << 20;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + length)).sendPattern(length)))) {
            Path stderr = dir.resolve("stderr");
            Process process = new ProcessBuilder(command("get", server.uri("/endless").toString()))
                    .redirectError(stderr.toFile())
                    .start();
            try (InputStream out = process.getInputStream()) {
                assertThat(out.readNBytes(1000)).isEqualTo(PatternBytes.bytes(0, 1000));
            } // like `sluice get URL | head -c 1000`: the reader goes away
            assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

            assertThat(process.exitValue()).isEqualTo(8);
            assertThat(Files.readString(stderr).lines()).singleElement().asString()
                    .startsWith("sluice: " + server.uri("/endless") + ": cannot write standard output");
        }
    }

    @Test
    void aDownloadKilledMidwayLeavesNoFileAndNoTemporaryFile() throws Exception {
        Path outDir = Files.createDirectory(dir.resolve("out"));
        Path file = Files.writeString(outDir.resolve("big.bin"), "from an earlier run");
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000000")).sendPattern(1000).stallUntil("never")));
             WatchService watch = FileSystems.getDefault().newWatchService()) {
            outDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            Process process = new ProcessBuilder(command("get", server.uri("/big").toString(), "-o", file.toString()))
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectError(dir.resolve("stderr").toFile())
                    .start();
            // The only file that can appear is the temporary one: the body has started to arrive.
            assertThat(watch.poll(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("a temporary file").isNotNull();

            process.destroy(); // SIGTERM, as kill or a closing terminal sends
            assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

            assertThat(process.exitValue()).isEqualTo(143);
            try (Stream<Path> left = Files.list(outDir)) {
                assertThat(left).isEmpty();
            }
            // Said as download says it: the run did not end in silence.
            assertThat(Files.readString(dir.resolve("stderr")))
                    .isEqualTo("sluice: " + server.uri("/big") + ": interrupted before it finished\n");
        }
    }

    @Test
    void aGetToStandardOutputStoppedByCtrlCSaysSo() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000000")).sendPattern(1000).stallUntil("never")))) {
            Path stderr = dir.resolve("stderr");
            Process process = new ProcessBuilder(command("get", server.uri("/big").toString()))
                    .redirectError(stderr.toFile())
                    .start();
            try (InputStream out = process.getInputStream()) {
                // The body has started to arrive: the run is under way.
                assertThat(out.readNBytes(1000)).isEqualTo(PatternBytes.bytes(0, 1000));
                Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
                assertThat(kill.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(process.exitValue()).isEqualTo(130);
            assertThat(Files.readString(stderr)).isEqualTo("sluice: " + server.uri("/big") + ": interrupted before it finished\n");
        }
    }

    @Test
    void commandsWithoutATimeOptionDoNotInitialiseBigDecimal() throws Exception {
        // JDK 25's BigDecimal computes 5^65536 when it is initialised: 13 to 54 ms of start-up
        // measured, for a class no option given here needs.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("x"))))) {
            List<String> get = new ArrayList<>(List.of(JAVA.toString(), "-Xlog:class+init=info", "-jar", JAR.toString(),
                    "get", server.uri("/a").toString(), "-o", dir.resolve("a").toString()));
            List<String> download = new ArrayList<>(List.of(JAVA.toString(), "-Xlog:class+init=info", "-jar", JAR.toString(),
                    "download", server.uri("/b").toString(), "-d", dir.resolve("d").toString(), "-q"));
            List<String> timed = new ArrayList<>(get);
            timed.addAll(List.of("--timeout", "5"));

            for (List<String> command : List.of(get, download)) {
                ProcessRun run = ProcessRun.of(command, Map.of(), null, dir, PROCESS_TIMEOUT_SECONDS);
                assertThat(run.exitCode()).as(run.stderr()).isZero();
                assertThat(run.stdoutText()).as(String.join(" ", command))
                        .contains("Initializing 'dev/sluice/cli/Main'")
                        .doesNotContain("Initializing 'java/math/BigDecimal'");
            }
            // The log says so when it happens: a time option needs the class, and gets it.
            ProcessRun run = ProcessRun.of(timed, Map.of(), null, dir, PROCESS_TIMEOUT_SECONDS);
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdoutText()).contains("Initializing 'java/math/BigDecimal'");
        }
    }

    /**
     * {@code --report /dev/stdout > log}: the report was written through a new descriptor
     * opened to append, at the file's end, while stdout's own offset stayed behind, so the
     * total line written next overwrote the report's start. (This process's stdout is a file
     * opened as a shell's '>' opens it: truncated, not to append.)
     */
    @Test
    void aReportToStandardOutputThatIsAFileComesWholeAmongTheOtherLines() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            ProcessRun run = sluice(Map.of(), "download", server.uri("/a.txt").toString(), "-d", dir.resolve("out").toString(),
                    "--report", "/dev/stdout", "--progress", "lines");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            // The file's line may come before or after the report; the total comes last.
            List<String> lines = run.stdoutText().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.subList(0, 2)).anySatisfy(l -> assertThat(l).startsWith(dir.resolve("out").resolve("a.txt") + "  4 bytes  "))
                    .anySatisfy(l -> assertThat(l).startsWith("{\"items\":[{\"url\":\"" + server.uri("/a.txt") + "\"").endsWith("}"));
            assertThat(lines.get(2)).startsWith("total ");
        }
    }

    private ProcessRun sluice(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return ProcessRun.of(command(args), env, null, dir, PROCESS_TIMEOUT_SECONDS);
    }

    private static List<String> command(String... args) {
        assertThat(JAR).as("the shaded jar (built in the package phase)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }
}
