package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole bodies and blocks take memory as bytes arrive, not as the server declares or the caller
 * asks: a declared length never sent, or a block size far beyond the body, allocates nothing
 * large. (The surefire JVM has a 1 GiB heap: the large allocations these bodies asked for before
 * failed with OutOfMemoryError.)
 */
class BodyMemoryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Declared by /liar, which then sends three bytes: more than the test JVM's heap. */
    private static final long LIE = 2_000_000_000L;
    private static final int CHUNKED = 250_001;
    private static final int GZIPPED = 300_000;

    private Client client;
    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        client = Client.builder().readTimeout(WAIT).build();
        byte[] gz = Gzip.of(PatternBytes.bytes(0, GZIPPED));
        server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            switch (req.target()) {
                case "/liar" -> r.send(Responses.head(200, "Content-Length: " + LIE)).send("abc").close();
                case "/three" -> r.send(Responses.ok("abc"));
                case "/three-chunked" -> r.send(Responses.chunked("abc"));
                case "/big" -> r.send(Responses.head(200, "Content-Length: " + (5L << 20))).sendPattern(5L << 20);
                case "/chunked" -> r.send(Responses.head(200, "Transfer-Encoding: chunked"))
                        .send(Integer.toHexString(CHUNKED - 1) + "\r\n").sendPattern(0, CHUNKED - 1).send("\r\n")
                        .send("1\r\n").sendPattern(CHUNKED - 1, 1).send("\r\n0\r\n\r\n");
                case "/gzip" -> r.send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + gz.length))
                        .send(gz);
                default -> r.send(Responses.status(404, "no " + req.target()));
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
    void bytesOfALengthDeclaredButNeverSentFailAsTruncatedNotOutOfMemory() throws IOException {
        try (Response r = get("/liar")) {
            assertThatThrownBy(() -> r.body().bytes(Long.MAX_VALUE)).isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("body ended after 3 of " + LIE + " bytes")
                    .hasMessageContaining(server.uri("/liar").toString());
        }
        assertThat(client.poolState()).contains("leased=0");
    }

    @Test
    void textOfALengthDeclaredButNeverSentFailsAsTruncatedNotOutOfMemory() throws IOException {
        try (Response r = get("/liar")) {
            assertThatThrownBy(() -> r.body().text(LIE)).isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("body ended after 3 of " + LIE + " bytes");
        }
    }

    @Test
    void bytesOfALargeDeclaredBodyArriveWhole() throws IOException {
        try (Response r = get("/big")) {
            byte[] all = r.body().bytes();
            assertThat(all).hasSize(5 << 20);
            PatternBytes.verify(all, 0, all.length, 0);
        }
    }

    @Test
    void bytesOfAChunkedBodyGrowToItsLengthAndTheCapStillHolds() throws IOException {
        try (Response r = get("/chunked")) {
            byte[] all = r.body().bytes(CHUNKED);
            assertThat(all).hasSize(CHUNKED);
            PatternBytes.verify(all, 0, all.length, 0);
        }
        try (Response r = get("/chunked")) {
            assertThatThrownBy(() -> r.body().bytes(CHUNKED - 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(server.uri("/chunked").toString())
                    .hasMessageContaining("larger than " + (CHUNKED - 1) + " bytes");
        }
    }

    @Test
    void bytesOfADecodedBodyGrowToItsLengthAndTheCapStillHolds() throws IOException {
        try (Response r = get("/gzip")) {
            byte[] all = r.body().bytes(GZIPPED);
            assertThat(all).hasSize(GZIPPED);
            PatternBytes.verify(all, 0, all.length, 0);
        }
        try (Response r = get("/gzip")) {
            assertThatThrownBy(() -> r.body().bytes(GZIPPED - 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(server.uri("/gzip").toString());
        }
        try (Response r = get("/three")) {
            assertThatThrownBy(() -> r.body().bytes(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void asyncBytesOfALengthDeclaredButNeverSentFailAsTruncated() throws Exception {
        // Under the default cap of 64 MiB, so the old code allocated the lie whole; here it must
        // only fail typed (the memory itself is what the synchronous tests above prove).
        try (var liar = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 62914560")).send("abc").close()))) {
            var future = client.sendAsync(Request.get(liar.uri("/x"))).thenCompose(r -> r.body().async().bytes());
            assertThatThrownBy(() -> future.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("body ended after 3 of 62914560 bytes");
        }
    }

    @Test
    void aBlockFarLargerThanADeclaredBodyIsTheBody() throws IOException {
        for (int size : new int[] {1 << 30, Integer.MAX_VALUE}) {
            try (Response r = get("/three")) {
                assertThat(blocks(r.body().chunks(size))).containsExactly("abc");
            }
        }
    }

    @Test
    void aBlockFarLargerThanAChunkedBodyIsTheBody() throws IOException {
        for (int size : new int[] {1 << 30, Integer.MAX_VALUE}) {
            try (Response r = get("/three-chunked")) {
                assertThat(blocks(r.body().chunks(size))).containsExactly("abc");
            }
        }
    }

    @Test
    void blocksOfABodyOfUnknownLengthAreExactWhileTheirArrayGrows() throws IOException {
        try (Response r = get("/chunked")) {
            List<Integer> sizes = new ArrayList<>();
            long offset = 0;
            for (ByteBuffer b : r.body().chunks(100_000)) {
                sizes.add(b.remaining());
                byte[] copy = new byte[b.remaining()];
                b.get(copy);
                PatternBytes.verify(copy, 0, copy.length, offset);
                offset += copy.length;
            }
            assertThat(sizes).containsExactly(100_000, 100_000, CHUNKED - 200_000);
        }
        try (Response r = get("/gzip")) {
            List<Integer> sizes = new ArrayList<>();
            long offset = 0;
            for (ByteBuffer b : r.body().chunks(200_000)) {
                sizes.add(b.remaining());
                byte[] copy = new byte[b.remaining()];
                b.get(copy);
                PatternBytes.verify(copy, 0, copy.length, offset);
                offset += copy.length;
            }
            assertThat(sizes).containsExactly(200_000, GZIPPED - 200_000);
        }
    }

    @Test
    void blocksOfAnEmptyBodyAreNone() throws IOException {
        try (var empty = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(""))));
             Response r = client.send(Request.get(empty.uri("/empty")))) {
            assertThat(blocks(r.body().chunks(1 << 30))).isEmpty();
        }
    }

    @Test
    void aBlockOfATruncatedBodyFailsTyped() throws IOException {
        try (Response r = get("/liar")) {
            assertThatThrownBy(() -> blocks(r.body().chunks(1 << 30))).isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("body ended after 3 of " + LIE + " bytes");
        }
    }

    /** The blocks as text; an allocation the heap cannot hold fails the test, not the test JVM. */
    private static List<String> blocks(Iterable<ByteBuffer> chunks) {
        List<String> out = new ArrayList<>();
        try {
            for (ByteBuffer b : chunks) {
                out.add(StandardCharsets.ISO_8859_1.decode(b).toString());
            }
        } catch (OutOfMemoryError e) {
            throw new AssertionError("blocks allocated more than the body holds: " + e, e);
        }
        return out;
    }

}
