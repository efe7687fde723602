package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code sluice get URL}: the body on standard output, exactly, however it was framed or encoded. */
class GetToStdoutTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void everyByteValueReachesStdoutUnchanged() throws IOException {
        byte[] all = new byte[256 * 4];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + all.length)).send(all)))) {
            Cli.Result result = Cli.run("get", server.uri("/bin").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo(all);
            assertThat(result.stderr()).isEmpty();
        }
    }

    @Test
    void aBigBodyStreamsThroughWhole() throws IOException {
        int length = 3 << 20;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + length)).sendPattern(length)))) {
            Cli.Result result = Cli.run("get", server.uri("/big").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo(PatternBytes.bytes(0, length));
        }
    }

    @Test
    void aChunkedBodyArrivesWithoutItsFraming() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.chunked("hello ", "chunked ", "world"))))) {
            Cli.Result result = Cli.run("get", server.uri("/c").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdoutText()).isEqualTo("hello chunked world");
        }
    }

    @Test
    void aChunkSizeChangesTheBlocksButNotTheBytes() throws IOException {
        int length = 100_003;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + length)).sendPattern(length)))) {
            Cli.Result result = Cli.run("get", server.uri("/p").toString(), "--chunk-size", "7");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo(PatternBytes.bytes(0, length));
        }
    }

    @Test
    void gzipIsDecodedByDefault() throws IOException {
        byte[] gzipped = Gzip.of("decoded text\n".repeat(100));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + gzipped.length))
                .send(gzipped)))) {
            Cli.Result result = Cli.run("get", server.uri("/z").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdoutText()).isEqualTo("decoded text\n".repeat(100));
            assertThat(server.requests().getFirst().header("Accept-Encoding")).contains("gzip");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "compress", "foo, gzip"})
    void aContentCodingThatCannotBeDecodedIsAProtocolErrorUnlessRaw(String coding) throws IOException {
        byte[] coded = Gzip.of("coded");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: " + coding, "Content-Length: " + coded.length))
                .send(coded)))) {
            Path file = dir.resolve("out.bin");
            Cli.Result decoding = Cli.run("get", server.uri("/z").toString(), "-o", file.toString());
            Cli.Result raw = Cli.run("get", server.uri("/z").toString(), "--raw");

            assertThat(decoding.exitCode()).as(decoding.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(decoding.stderrLines()).containsExactly("sluice: " + server.uri("/z") + ": the body is in a content"
                    + " coding sluice cannot decode here (Content-Encoding: " + coding + "); --raw keeps the bytes as sent");
            assertThat(file).doesNotExist();
            assertThat(raw.exitCode()).as(raw.toString()).isZero();
            assertThat(raw.stdout()).isEqualTo(coded);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "until close"})
    void anEmptyBodyOfUnknownLengthNeedsNoDecodingButOneByteIsUndecodable(String framing) throws IOException {
        boolean chunked = framing.equals("chunked");
        String[] fields = chunked ? new String[] {"Content-Encoding: br", "Transfer-Encoding: chunked"}
                : new String[] {"Content-Encoding: br", "Connection: close"};
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            r.send(Responses.head(200, fields));
            if (req.target().equals("/full")) {
                r.send(chunked ? "1\r\nx\r\n0\r\n\r\n" : "x");
            } else if (chunked) {
                r.send("0\r\n\r\n");
            }
            if (!chunked) {
                r.close();
            }
        }))) {
            Path file = dir.resolve("out.bin");
            Files.writeString(file, "an earlier body");
            Cli.Result toStdout = Cli.run("get", server.uri("/empty").toString());
            Cli.Result toFile = Cli.run("get", server.uri("/empty").toString(), "-o", file.toString());

            assertThat(toStdout.exitCode()).as(toStdout.toString()).isZero();
            assertThat(toStdout.stdout()).isEmpty();
            assertThat(toFile.exitCode()).as(toFile.toString()).isZero();
            assertThat(file).isEmptyFile();
            assertThat(dir).isDirectoryNotContaining("glob:**.part");

            Cli.Result full = Cli.run("get", server.uri("/full").toString(), "-o", file.toString());
            assertThat(full.exitCode()).as(full.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(full.stderrLines()).containsExactly("sluice: " + server.uri("/full") + ": the body is in a"
                    + " content coding sluice cannot decode here (Content-Encoding: br); --raw keeps the bytes as sent");
            assertThat(file).doesNotExist();
            Cli.Result fullToStdout = Cli.run("get", server.uri("/full").toString());
            assertThat(fullToStdout.exitCode()).as(fullToStdout.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(fullToStdout.stdout()).isEmpty();
        }
    }

    @Test
    void aResponseWithoutContentNeedsNoDecoding() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(req.method().equals("HEAD") ? 200 : 204, "Content-Encoding: foo",
                        "Content-Length: " + (req.method().equals("HEAD") ? 100 : 0)))))) {
            assertThat(Cli.run("get", server.uri("/z").toString()).exitCode()).isZero();
            assertThat(Cli.run("get", server.uri("/z").toString(), "-X", "HEAD").exitCode()).isZero();
        }
    }

    @Test
    void rawKeepsTheGzipBytesAsSentAndAsksForNoEncoding() throws IOException {
        byte[] gzipped = Gzip.of("kept as sent");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + gzipped.length))
                .send(gzipped)))) {
            Cli.Result result = Cli.run("get", server.uri("/z").toString(), "--raw");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo(gzipped);
            assertThat(server.requests().getFirst().header("Accept-Encoding")).isNull();
        }
    }

    @Test
    void corruptGzipIsAProtocolError() throws IOException {
        byte[] corrupt = Gzip.of("x".repeat(1000));
        corrupt[corrupt.length / 2] ^= 0x55;
        corrupt[corrupt.length / 2 + 1] ^= 0x55;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + corrupt.length))
                .send(corrupt)))) {
            Cli.Result result = Cli.run("get", server.uri("/z").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: " + server.uri("/z"));
        }
    }

    @Test
    void aBodyCutShortIsAProtocolErrorAfterWhatArrived() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000")).send("0123456789").close()))) {
            Cli.Result result = Cli.run("get", server.uri("/cut").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stdoutText()).isEqualTo("0123456789");
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + server.uri("/cut") + ": ");
        }
    }

    @Test
    void aHeadRequestWritesNothingAndSucceeds() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 12345"))))) {
            Cli.Result result = Cli.run("get", server.uri("/h").toString(), "-X", "HEAD");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEmpty();
            assertThat(server.awaitRequests(1, WAIT).getFirst().method()).isEqualTo("HEAD");
        }
    }

    @Test
    void dashAsOutputMeansStdout() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("to stdout"))))) {
            Cli.Result result = Cli.run("get", server.uri("/").toString(), "-o", "-");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdoutText()).isEqualTo("to stdout");
        }
    }

}
