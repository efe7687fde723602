package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example programs against a local server: what they print, what they write, their exit status. */
class ExamplesTest {
    private static final byte[] BIG = new byte[3 * 1024 * 1024 + 17];
    private static final byte[] SMALL = "small file\n".getBytes(StandardCharsets.US_ASCII);

    static {
        new Random(7).nextBytes(BIG);
    }

    @TempDir
    Path dir;
    private HttpServer server;
    private String base;
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/big.bin", ex -> send(ex, 200, BIG));
        server.createContext("/small.txt", ex -> send(ex, 200, SMALL));
        server.createContext("/missing", ex -> send(ex, 404, "no such file".getBytes(StandardCharsets.US_ASCII)));
        server.createContext("/a/same.bin", ex -> send(ex, 200, SMALL));
        server.createContext("/b/same.bin", ex -> send(ex, 200, BIG));
        server.createContext("/cut.bin", ex -> {
            // Promises the whole big file and sends a part: closing the exchange short of its
            // length makes the server close the connection, a truncated body for the client.
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, BIG.length);
            OutputStream o = ex.getResponseBody();
            o.write(BIG, 0, 100_000);
            o.flush();
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void send(com.sun.net.httpserver.HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void example1StreamsALargeFileInChunks() throws IOException {
        Path file = dir.resolve("big.bin");
        assertThat(DownloadLargeFile.run(new String[] {base + "/big.bin", file.toString()}, out, err)).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(BIG);
        assertThat(out()).startsWith("downloaded " + BIG.length + " bytes in ");
    }

    @Test
    void example1ReportsAStatusError() throws IOException {
        assertThat(DownloadLargeFile.run(new String[] {base + "/missing", dir.resolve("x").toString()}, out, err)).isEqualTo(1);
        assertThat(err()).startsWith("server said no: ").contains("404");
    }

    @Test
    void example2StreamsOneFileAsynchronously() throws IOException {
        Path file = dir.resolve("async.bin");
        assertThat(StreamToFileAsync.run(new String[] {base + "/big.bin", file.toString()}, out, err)).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(BIG);
        assertThat(out()).startsWith("downloaded " + BIG.length + " bytes in ");
    }

    @Test
    void example2LeavesNothingBehindOnFailure() throws IOException {
        Path file = dir.resolve("none.bin");
        assertThat(StreamToFileAsync.run(new String[] {base + "/missing", file.toString()}, out, err)).isEqualTo(1);
        assertThat(err()).startsWith("download failed: ").contains("404");
        try (var listing = Files.list(dir)) {
            assertThat(listing).isEmpty();
        }
    }

    @Test
    void example3DownloadsConcurrentlyAndOneFailureDoesNotStopTheOthers() throws IOException {
        Path into = dir.resolve("many");
        int status = ConcurrentDownloads.run(new String[] {into.toString(),
                base + "/big.bin", base + "/missing", "http://127.0.0.1:1/a b", base + "/small.txt"}, out, err);
        assertThat(status).isEqualTo(1);
        assertThat(Files.readAllBytes(into.resolve("big.bin"))).isEqualTo(BIG);
        assertThat(Files.readAllBytes(into.resolve("small.txt"))).isEqualTo(SMALL);
        assertThat(out())
                .containsPattern(base + "/big.bin +" + BIG.length + " bytes +[0-9.]+ s")
                .containsPattern(base + "/small.txt +" + SMALL.length + " bytes +[0-9.]+ s")
                .contains(base + "/missing").contains("404")
                .contains("http://127.0.0.1:1/a b").contains("failed: ")
                .containsPattern("total [0-9.]+ s, 2 of 4 failed");
    }

    @Test
    void example1LeavesNoPartialFileWhenTheBodyIsCut() throws IOException {
        Path file = dir.resolve("cut.bin");
        assertThat(DownloadLargeFile.run(new String[] {base + "/cut.bin", file.toString()}, out, err)).isEqualTo(1);
        assertThat(err()).startsWith("download failed: ").contains("/cut.bin");
        assertThat(file).doesNotExist();
    }

    @Test
    void example1KeepsAnExistingFileWhenTheServerSaysNo() throws IOException {
        Path file = Files.writeString(dir.resolve("kept.txt"), "mine");
        assertThat(DownloadLargeFile.run(new String[] {base + "/missing", file.toString()}, out, err)).isEqualTo(1);
        assertThat(file).hasContent("mine");
    }

    @Test
    void malformedUrlsAreUsageErrors() throws IOException {
        assertThat(DownloadLargeFile.run(new String[] {"http://127.0.0.1:1/a b", dir.resolve("x").toString()}, out, err)).isEqualTo(2);
        assertThat(StreamToFileAsync.run(new String[] {"http://127.0.0.1:1/a b", dir.resolve("y").toString()}, out, err)).isEqualTo(2);
        assertThat(err()).contains("invalid URL: ");
    }

    @Test
    void example3KeepsBothFilesWhenTwoUrlsEndInTheSameName() throws IOException {
        Path into = dir.resolve("same");
        assertThat(ConcurrentDownloads.run(new String[] {into.toString(), base + "/a/same.bin", base + "/b/same.bin"},
                out, err)).isZero();
        assertThat(Files.readAllBytes(into.resolve("same.bin"))).isEqualTo(SMALL);
        assertThat(Files.readAllBytes(into.resolve("2-same.bin"))).isEqualTo(BIG);
    }

    @Test
    void usageErrorsExitWithTwo() throws IOException {
        assertThat(DownloadLargeFile.run(new String[0], out, err)).isEqualTo(2);
        assertThat(StreamToFileAsync.run(new String[0], out, err)).isEqualTo(2);
        assertThat(ConcurrentDownloads.run(new String[] {dir.toString()}, out, err)).isEqualTo(2);
        assertThat(err()).contains("usage: DownloadLargeFile").contains("usage: StreamToFileAsync")
                .contains("usage: ConcurrentDownloads");
    }
}
