package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way to read a body: blocks, pieces, lines, whole, into streams and files; trailers; one read only. */
class BodyFormsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long BIG = (5L << 20) + 123;

    @TempDir
    Path dir;

    private Client client;
    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        client = Client.builder().readTimeout(WAIT).build();
        server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            switch (req.target()) {
                case "/big" -> r.send(Responses.head(200, "Content-Length: " + BIG)).sendPattern(BIG);
                case "/big-chunked" -> r.send(Responses.head(200, "Transfer-Encoding: chunked"))
                        .send(Integer.toHexString(70_000) + "\r\n").sendPattern(0, 70_000).send("\r\n")
                        .send(Integer.toHexString(30_001) + "\r\n").sendPattern(70_000, 30_001).send("\r\n0\r\n\r\n");
                case "/lines" -> r.send(Responses.status(200, "first\r\nsecond\nthird\r\n\r\nlast",
                        "Content-Type: text/plain"));
                case "/latin1" -> r.send(Responses.status(200, "caf\u00e9\nna\u00efve",
                        "Content-Type: text/plain; charset=ISO-8859-1"));
                case "/utf8" -> r.send(Responses.status(200,
                        new String("h\u00e9llo w\u00f6rld".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
                        "Content-Type: text/plain;charset=\"utf-8\""));
                case "/eleven" -> r.send(Responses.ok("eleven char"));
                case "/trailers" -> r.send(Responses.head(200, "Transfer-Encoding: chunked", "Trailer: X-Checksum")
                        + "3\r\nabc\r\n3\r\ndef\r\n0\r\nX-Checksum: sha-1\r\nX-Other: two\r\n\r\n");
                case "/empty" -> r.send(Responses.ok(""));
                default -> r.send(Responses.ok("hello " + req.target()));
            }
        }));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private Response get(String path) throws IOException {
        return client.send(Request.get(server.uri(path)));
    }

    @Test
    void chunksGivesExactBlocksExceptTheLast() throws IOException {
        int size = 10_000;
        try (Response r = get("/big")) {
            assertThat(r.body().contentLength()).hasValue(BIG);
            var verifier = new PatternBytes.Verifier(0);
            long blocks = 0;
            for (ByteBuffer b : r.body().chunks(size)) {
                long before = verifier.position();
                int n = b.remaining();
                verifier.update(b);
                blocks++;
                if (before + n < BIG) {
                    assertThat(n).as("block %d", blocks).isEqualTo(size);
                } else {
                    assertThat(n).isEqualTo((int) (BIG % size));
                }
            }
            assertThat(verifier.position()).isEqualTo(BIG);
            assertThat(blocks).isEqualTo(BIG / size + 1);
        }
    }

    @Test
    void chunksOfAChunkedBodyCrossChunkBoundaries() throws IOException {
        try (Response r = get("/big-chunked")) {
            var verifier = new PatternBytes.Verifier(0);
            int shortBlocks = 0;
            for (ByteBuffer b : r.body().chunks(4096)) {
                if (b.remaining() != 4096) {
                    shortBlocks++;
                }
                verifier.update(b);
            }
            assertThat(verifier.position()).isEqualTo(100_001);
            assertThat(shortBlocks).isEqualTo(1);
        }
    }

    @Test
    void chunksRejectsANonPositiveSize() throws IOException {
        try (Response r = get("/x")) {
            assertThatThrownBy(() -> r.body().chunks(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anyDeliversEveryByteInOrder() throws IOException {
        try (Response r = get("/big")) {
            var verifier = new PatternBytes.Verifier(0);
            for (ByteBuffer b : r.body().any()) {
                assertThat(b.remaining()).isPositive();
                verifier.update(b);
            }
            assertThat(verifier.position()).isEqualTo(BIG);
        }
    }

    @Test
    void streamDeliversEveryByteInOrder() throws IOException {
        try (Response r = get("/big")) {
            assertThat(PatternBytes.verify(r.body().stream(), 0)).isEqualTo(BIG);
        }
    }

    @Test
    void linesSplitAtCrlfAndLf() throws IOException {
        try (Response r = get("/lines"); Stream<String> lines = r.body().lines()) {
            assertThat(lines).containsExactly("first", "second", "third", "", "last");
        }
    }

    @Test
    void linesAndTextUseTheCharsetFromContentType() throws IOException {
        try (Response r = get("/latin1"); Stream<String> lines = r.body().lines()) {
            assertThat(r.body().charset()).isEqualTo(StandardCharsets.ISO_8859_1);
            assertThat(lines).containsExactly("caf\u00e9", "na\u00efve");
        }
        try (Response r = get("/utf8")) {
            assertThat(r.body().text()).isEqualTo("h\u00e9llo w\u00f6rld");
        }
    }

    @Test
    void textDefaultsToUtf8() throws IOException {
        try (Response r = get("/plain")) {
            assertThat(r.body().charset()).isEqualTo(StandardCharsets.UTF_8);
            assertThat(r.body().text()).isEqualTo("hello /plain");
        }
    }

    @Test
    void bytesAtTheCapSucceedAndOverTheCapFail() throws IOException {
        try (Response r = get("/eleven")) {
            assertThat(r.body().bytes(11)).asString().isEqualTo("eleven char");
        }
        try (Response r = get("/eleven")) {
            assertThatThrownBy(() -> r.body().bytes(10)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("10");
        }
        try (Response r = get("/eleven")) {
            assertThatThrownBy(() -> r.body().text(5)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aDeclaredLengthBeyondOneArrayFailsTypedBeforeAnyRead() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 3000000000")).send("only a little").awaitClientClose()));
             Client c = Client.newClient();
             Response r = c.send(Request.get(server.uri("/huge")))) {
            assertThatThrownBy(() -> r.body().bytes(Long.MAX_VALUE)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(server.uri("/huge").toString())
                    .hasMessageContaining("the most one array holds");
        }
    }

    @Test
    void theTemporaryNameKeepsAtMost200BytesOfTheTargetsName() {
        assertThat(Body.temporaryPrefix(Path.of("/d/out.bin"))).isEqualTo(".out.bin.");
        String long255 = "\u00e9".repeat(127) + "x"; // 255 bytes in UTF-8
        String prefix = Body.temporaryPrefix(Path.of(long255));
        assertThat(prefix).isEqualTo("." + "\u00e9".repeat(100) + ".");
        assertThat(prefix.getBytes(StandardCharsets.UTF_8).length + 13 + ".part".length()).isLessThanOrEqualTo(255);
    }

    @Test
    void textUsesTheCharsetParameterNotOneInsideAQuotedString() throws IOException {
        byte[] utf16 = "gr\u00fc\u00dfe".getBytes(StandardCharsets.UTF_16BE);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Type: text/plain; format=\"a;charset=x\"; charset=utf-16be",
                        "Content-Length: " + utf16.length)).send(utf16)));
             Client c = Client.newClient();
             Response r = c.send(Request.get(server.uri("/utf16")))) {
            assertThat(r.body().charset()).isEqualTo(StandardCharsets.UTF_16BE);
            assertThat(r.body().text()).isEqualTo("gr\u00fc\u00dfe");
        }
    }

    @Test
    void transferToOutputStreamCopiesEverything() throws IOException {
        try (Response r = get("/big")) {
            var out = new ByteArrayOutputStream();
            assertThat(r.body().transferTo(out)).isEqualTo(BIG);
            byte[] all = out.toByteArray();
            PatternBytes.verify(all, 0, all.length, 0);
            assertThat(all).hasSize((int) BIG);
        }
    }

    @Test
    void transferToPathWritesTheFileAndReplacesAnOldOne() throws IOException {
        Path target = Files.writeString(dir.resolve("out.bin"), "old content");
        try (Response r = get("/big")) {
            assertThat(r.body().transferTo(target)).isEqualTo(BIG);
        }
        try (var in = Files.newInputStream(target)) {
            assertThat(PatternBytes.verify(in, 0)).isEqualTo(BIG);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void trailersArriveAfterTheBody() throws IOException {
        try (Response r = get("/trailers")) {
            assertThat(r.trailers().size()).isZero();
            assertThat(r.body().text()).isEqualTo("abcdef");
            assertThat(r.trailers().first("x-checksum")).contains("sha-1");
            assertThat(r.trailers().first("X-Other")).contains("two");
        }
    }

    @Test
    void anEmptyBodyIsEmptyInEveryForm() throws IOException {
        try (Response r = get("/empty")) {
            assertThat(r.body().bytes()).isEmpty();
        }
        try (Response r = get("/empty")) {
            assertThat(r.body().chunks(10)).isEmpty();
        }
        try (Response r = get("/empty")) {
            assertThat(r.body().any()).isEmpty();
        }
        try (Response r = get("/empty"); Stream<String> lines = r.body().lines()) {
            assertThat(lines).isEmpty();
        }
        Path target = dir.resolve("empty.bin");
        try (Response r = get("/empty")) {
            assertThat(r.body().transferTo(target)).isZero();
        }
        assertThat(target).isEmptyFile();
    }

    @Test
    void aBodyCanBeReadOnlyOnce() throws IOException {
        try (Response r = get("/x")) {
            assertThat(r.body().text()).isEqualTo("hello /x");
            assertThatThrownBy(() -> r.body().text()).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> r.body().stream()).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> r.body().async().publisher()).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void raiseForStatusThrowsTypedAndClosesTheResponse() throws IOException {
        try (var failing = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(503, "busy")))); Response r = client.send(Request.get(failing.uri("/down")))) {
            assertThat(r.isSuccessful()).isFalse();
            assertThatThrownBy(r::raiseForStatus)
                    .isInstanceOf(HttpStatusException.class)
                    .hasMessageContaining("503")
                    .hasMessageContaining(failing.uri("/down").toString())
                    .satisfies(e -> assertThat(((HttpStatusException) e).status()).isEqualTo(503));
        }
    }
}
