package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Ports;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice get URL -o FILE}: FILE appears whole or not at all, and no temporary file stays. */
class GetToFileTest {
    @TempDir
    Path dir;

    @Test
    void theBodyIsWrittenToFileAndNothingElseIsLeftBeside() throws IOException {
        int length = 2 << 20;
        Path file = dir.resolve("out.bin");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + length)).sendPattern(length)))) {
            Cli.Result result = Cli.run("get", server.uri("/f").toString(), "-o", file.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderr()).isEmpty();
            assertThat(Files.readAllBytes(file)).isEqualTo(PatternBytes.bytes(0, length));
            assertThat(filesIn(dir)).containsExactly("out.bin");
        }
    }

    @Test
    void aNameNearTheFileSystemsLimitIsWrittenToo() throws IOException {
        // 240 bytes: allowed, though ".NAME.RANDOM.part" in full would not be.
        String name = "n".repeat(236) + ".bin";
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("long name"))))) {
            Cli.Result result = Cli.run("get", server.uri("/f").toString(), "-o", dir.resolve(name).toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(dir.resolve(name)).hasContent("long name");
            assertThat(filesIn(dir)).containsExactly(name);
        }
    }

    @Test
    void aSuccessReplacesAnEarlierFile() throws IOException {
        Path file = Files.writeString(dir.resolve("out.txt"), "old and longer content");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("new"))))) {
            Cli.Result result = Cli.run("get", server.uri("/f").toString(), "-o", file.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(file)).isEqualTo("new");
            assertThat(filesIn(dir)).containsExactly("out.txt");
        }
    }

    @Test
    void aBodyCutShortLeavesNoFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("out.bin");
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000")).send("0123456789").close()))) {
            Cli.Result result = Cli.run("get", server.uri("/cut").toString(), "-o", file.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + server.uri("/cut") + ": ");
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aChunkedBodyCutShortLeavesNoFile() throws IOException {
        Path file = dir.resolve("out.bin");
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Transfer-Encoding: chunked")).send("5\r\nhello\r\n10\r\nonly a").close()))) {
            Cli.Result result = Cli.run("get", server.uri("/cut").toString(), "-o", file.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aFailureRemovesAFileThatExistedBeforeSoThatItsPresenceMeansSuccess() throws IOException {
        Path file = Files.writeString(dir.resolve("out.bin"), "from an earlier run");
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000")).send("0123456789").close()))) {
            Cli.Result result = Cli.run("get", server.uri("/cut").toString(), "-o", file.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void anErrorStatusWritesNoFile() throws IOException {
        Path file = dir.resolve("out.html");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(404, "<h1>not here</h1>"))))) {
            Cli.Result result = Cli.run("get", server.uri("/missing").toString(), "-o", file.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void anErrorStatusWithNoFailIsWrittenToFile() throws IOException {
        Path file = dir.resolve("out.html");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(404, "<h1>not here</h1>"))))) {
            Cli.Result result = Cli.run("get", server.uri("/missing").toString(), "-o", file.toString(), "--no-fail");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(file)).isEqualTo("<h1>not here</h1>");
        }
    }

    @Test
    void aConnectFailureAlsoLeavesNoFile() throws IOException {
        Path file = Files.writeString(dir.resolve("out.bin"), "stale");
        Cli.Result result = Cli.run("get", "http://127.0.0.1:" + Ports.closedPort() + "/", "-o", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.CONNECT);
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void aFileInAMissingDirectoryIsALocalIoError() throws IOException {
        Path file = dir.resolve("no/such/dir/out.bin");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            Cli.Result result = Cli.run("get", server.uri("/f").toString(), "-o", file.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/f") + ": cannot write "
                    + file + ": no such file or directory");
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aDirectoryAsFileIsALocalIoErrorAndTheDirectoryStays() throws IOException {
        Path target = Files.createDirectory(dir.resolve("taken"));
        Files.writeString(target.resolve("inside.txt"), "kept");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            Cli.Result result = Cli.run("get", server.uri("/f").toString(), "-o", target.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).singleElement().asString().contains("cannot write " + target);
            assertThat(filesIn(dir)).containsExactly("taken");
            assertThat(Files.readString(target.resolve("inside.txt"))).isEqualTo("kept");
        }
    }

    @Test
    void aUsageErrorLeavesAnEarlierFileAlone() throws IOException {
        Path file = Files.writeString(dir.resolve("out.txt"), "untouched");

        Cli.Result result = Cli.run("get", "ftp://127.0.0.1/x", "-o", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("untouched");
    }

    @Test
    void aNamedPipeIsWrittenDirectlyAndStaysAPipe() throws Exception {
        Path fifo = mkfifo(dir.resolve("pipe"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("through the pipe"))))) {
            // A daemon thread: if the pipe were never opened for writing, its blocked open() must not hang the build.
            CompletableFuture<byte[]> read = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    read.complete(Files.readAllBytes(fifo));
                } catch (Throwable t) {
                    read.completeExceptionally(t);
                }
            });

            Cli.Result result = Cli.run("get", server.uri("/p").toString(), "-o", fifo.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(read.get(10, TimeUnit.SECONDS)).asString(StandardCharsets.UTF_8).isEqualTo("through the pipe");
            assertThat(Files.isRegularFile(fifo)).isFalse();
            assertThat(filesIn(dir)).containsExactly("pipe");
        }
    }

    @Test
    void aFailureNeverRemovesANamedPipe() throws IOException {
        Path fifo = mkfifo(dir.resolve("pipe"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(404, "")))))  {
            Cli.Result result = Cli.run("get", server.uri("/p").toString(), "-o", fifo.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(Files.exists(fifo)).isTrue();
            assertThat(Files.isRegularFile(fifo)).isFalse();
        }
    }

    @Test
    void aLinkIntoProcStandingForAnOpenFileIsWrittenThroughAndNeverReplacedOrRemoved() throws IOException {
        // As /dev/stdout is (a link to /proc/self/fd/1) when a shell sends standard output to a
        // file: the body goes into that file; the link itself stays a link, also after a failure.
        Path real = dir.resolve("real.txt");
        try (var held = java.nio.channels.FileChannel.open(real, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
             var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                     req.target().equals("/ok") ? Responses.ok("through the link") : Responses.status(404, "")))))  {
            Path fd = openDescriptorOf(real);
            Path link = Files.createSymbolicLink(dir.resolve("stdout"), fd);

            Cli.Result ok = Cli.run("get", server.uri("/ok").toString(), "-o", link.toString());
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(Files.isSymbolicLink(link)).as("still a link").isTrue();
            assertThat(Files.readString(real)).isEqualTo("through the link");

            Cli.Result failed = Cli.run("get", server.uri("/missing").toString(), "-o", link.toString());
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(Files.isSymbolicLink(link)).as("a failure does not remove it").isTrue();
            assertThat(Files.exists(real)).isTrue();
            assertThat(held.isOpen()).isTrue();
        }
    }

    /** The /proc/self/fd entry of a file this process holds open. */
    private static Path openDescriptorOf(Path file) throws IOException {
        Path target = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(target)) {
                        return fd;
                    }
                } catch (IOException e) {
                    // a descriptor closed meanwhile
                }
            }
        }
        throw new AssertionError("no descriptor of " + target + " in /proc/self/fd");
    }

    @Test
    void aNotModifiedAnswerLeavesTheFileAsItIsAndCreatesNone() throws IOException {
        // A conditional refresh: the 304 says the copy at FILE is current.
        Path current = Files.writeString(dir.resolve("current.txt"), "the copy at hand");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n")))) {
            Cli.Result kept = Cli.run("get", server.uri("/f").toString(), "-H", "If-None-Match: \"v1\"",
                    "-o", current.toString());
            Cli.Result none = Cli.run("get", server.uri("/f").toString(), "-H", "If-None-Match: \"v1\"",
                    "-o", dir.resolve("absent.txt").toString());

            assertThat(kept.exitCode()).as(kept.toString()).isZero();
            assertThat(Files.readString(current)).isEqualTo("the copy at hand");
            assertThat(none.exitCode()).as(none.toString()).isZero();
            assertThat(filesIn(dir)).containsExactly("current.txt");
        }
    }

    /** A named pipe, which stands here for /dev/null and other files that are not regular. */
    private static Path mkfifo(Path path) throws IOException {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("mkfifo " + path).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return path;
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
