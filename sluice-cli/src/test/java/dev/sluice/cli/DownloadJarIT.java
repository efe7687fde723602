package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice download} as a real process: file descriptors, exit codes, a kill midway. */
class DownloadJarIT {
    private static final Path JAR = Path.of(System.getProperty("sluice.jar", "target/sluice.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final long PROCESS_TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    private static ScriptedServer server() throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().contains("missing")) {
                r.send(Responses.status(404, "gone"));
            } else {
                r.send(Responses.head(200, "Content-Length: 50000")).sendPattern(50_000);
            }
        }));
    }

    @Test
    void severalUrlsWithOneMissingExitWith9WithPlainLinesOffATerminal() throws Exception {
        try (var server = server()) {
            Path out = dir.resolve("out");
            ProcessRun run = sluice(null, "download", server.uri("/a.bin").toString(), server.uri("/missing.bin").toString(),
                    "-d", out.toString());

            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(9);
            assertThat(run.stderr()).isEqualTo("sluice: " + server.uri("/missing.bin") + ": HTTP 404 Not Found\n");
            List<String> lines = run.stdoutText().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines).anyMatch(l -> l.matches(Pattern.quote(out.resolve("a.bin").toString()) + "  50000 bytes  \\d+\\.\\d\\d s"));
            assertThat(lines).anyMatch(l -> l.matches(Pattern.quote(out.resolve("missing.bin").toString()) + "  failed \\(http\\)  .*"));
            assertThat(lines.getLast()).matches("total \\d+\\.\\d\\d s, 1 of 2 failed");
            assertThat(run.stdoutText() + run.stderr()).doesNotContain("\u001b");
            assertThat(Listing.filesIn(out)).containsExactly("a.bin");
        }
    }

    @Test
    void urlsAreReadFromStandardInputWithDashI() throws Exception {
        try (var server = server()) {
            Path list = Files.writeString(dir.resolve("list.txt"), server.uri("/x") + "\tone.bin\n"
                    + server.uri("/y") + "\tsub/two.bin\tsha256:" + PatternBytes.sha256Hex(0, 50_000) + "\n");
            Path out = dir.resolve("out");
            ProcessRun run = sluice(list, "download", "-i", "-", "-d", out.toString(), "--quiet");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).isEmpty();
            assertThat(run.stderr()).isEmpty();
            assertThat(Listing.filesIn(out)).containsExactly("one.bin", "sub/two.bin");
        }
    }

    @Test
    void aDownloadKilledMidwayLeavesOnlyThePartFile() throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000000")).sendPattern(1000).stallUntil("never")));
             WatchService watch = FileSystems.getDefault().newWatchService()) {
            out.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            Process process = new ProcessBuilder(command("download", server.uri("/big.bin").toString(), "-d", out.toString()))
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectError(dir.resolve("stderr").toFile())
                    .start();
            // The only file that can appear is the part file: the body has started to arrive.
            assertThat(watch.poll(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("a part file").isNotNull();

            process.destroy();
            assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

            assertThat(process.exitValue()).isNotZero();
            assertThat(Listing.filesIn(out)).containsExactly("big.bin.part");
        }
    }

    @Test
    void aSizeThePartCannotBeMadeUnderTheFileSizeLimitIsFetchedInOneStream() throws Exception {
        // The probe claims 64 MiB, more than the process may write (ulimit -f: 8 MiB): the part
        // cannot be preallocated, and that is no local failure, as the file may well be smaller.
        long claimed = 64L << 20;
        int size = 100_000;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if ("bytes=0-0".equals(req.header("Range"))) {
                r.send(Responses.head(206, "Content-Range: bytes 0-0/" + claimed, "Content-Length: 1", "ETag: \"v1\""))
                        .sendPattern(0, 1);
            } else {
                r.send(Responses.head(200, "Content-Length: " + size, "ETag: \"v1\"")).sendPattern(size);
            }
        }))) {
            Path out = dir.resolve("out");
            List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -f 8192 && exec \"$@\"", "bash"));
            command.addAll(command("download", server.uri("/f.bin").toString(), "-d", out.toString(), "-s", "4"));
            ProcessRun run = ProcessRun.of(command, Map.of(), null, dir, PROCESS_TIMEOUT_SECONDS);

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(Files.readAllBytes(out.resolve("f.bin"))).isEqualTo(PatternBytes.bytes(0, size));
            assertThat(Listing.filesIn(out)).containsExactly("f.bin");
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly("bytes=0-0", null);
        }
    }

    private ProcessRun sluice(Path stdin, String... args) throws IOException, InterruptedException {
        return ProcessRun.of(command(args), Map.of(), stdin, dir, PROCESS_TIMEOUT_SECONDS);
    }

    private static List<String> command(String... args) {
        assertThat(JAR).as("the shaded jar (built in the package phase)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }
}
