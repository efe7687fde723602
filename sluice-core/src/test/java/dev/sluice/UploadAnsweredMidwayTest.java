package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.Script;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that answers in the middle of an upload and then stops reading it, its connection
 * left open (a 413 after part of the body): the answer is the response (RFC 9112 §9.5 has the
 * client watch for it while it sends), not a write blocked until the read timeout. A server
 * that answers early but goes on reading gets the whole body.
 */
class UploadAnsweredMidwayTest {
    /** Longer than the test could wait for: the answer must not come from a timeout. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Far more than the socket buffers hold, so that the client's write blocks. */
    private static final int BODY = 64 << 20;

    @TempDir
    Path dir;
    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(READ_TIMEOUT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** Reads the head (after a 100 Continue when asked), 1 MiB of the body, then answers 413 and stops reading. */
    private static ScriptedServer refusingMidway(boolean continueFirst) throws IOException {
        return ScriptedServer.start(s -> s.onEveryConnection(c -> {
            Script script = c.expectRequestHead();
            if (continueFirst) {
                script.send("HTTP/1.1 100 Continue\r\n\r\n");
            }
            script.discard(1 << 20).send(Responses.status(413, "too large")).stallUntil("never").close();
        }));
    }

    private void assertRefused(ScriptedServer server, Function<String, Request> request) throws IOException {
        try (Response r = client.send(request.apply(server.uri("/up").toString()))) {
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body().text()).isEqualTo("too large");
        }
        assertThat(client.poolState()).as("the body was not sent whole: the connection is not kept")
                .contains("leased=0", "idle=0");
        server.release("never");
    }

    @Test
    void aFourThirteenAfterAHundredContinueEndsABytesUpload() throws IOException {
        try (var server = refusingMidway(true)) {
            assertRefused(server, url -> Request.put(url, RequestBody.ofBytes(new byte[BODY])));
            assertThat(server.awaitRequests(1, WAIT).getFirst().header("Expect")).isEqualTo("100-continue");
        }
    }

    @Test
    void theAnswerIsTheResponseUnderAReadTimeoutShorterThanTheWatchsUsualWait() throws IOException {
        // The watch waits 2 s of stalled sending before it takes the answer; under a shorter
        // read timeout it waits a third of it, or the blocked write's own deadline would end
        // the exchange first, as a timeout, the answer that had come thrown away.
        try (Client quick = Client.builder().readTimeout(Duration.ofMillis(1500)).build();
             var server = refusingMidway(true);
             Response r = quick.send(Request.put(server.uri("/up").toString(), RequestBody.ofBytes(new byte[BODY])))) {
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body().text()).isEqualTo("too large");
            server.release("never");
        }
    }

    @Test
    void aFourThirteenAfterAHundredContinueEndsAFileUpload() throws IOException {
        Path file = PatternBytes.writeFile(dir.resolve("upload.bin"), BODY);
        try (var server = refusingMidway(true)) {
            assertRefused(server, url -> Request.put(url, RequestBody.ofPath(file)));
        }
    }

    @Test
    void aFourThirteenAfterAHundredContinueEndsAStreamUpload() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 0);
                return len;
            }
        };
        try (var server = refusingMidway(true)) {
            assertRefused(server, url -> Request.newBuilder(url)
                    .method("POST", RequestBody.ofInputStream(endless, OptionalLong.empty())).build());
        }
    }

    @Test
    void aFourThirteenWithoutTheExpectationEndsTheUploadToo() throws IOException {
        try (var server = refusingMidway(false)) {
            assertRefused(server, url -> Request.newBuilder(url).header("Expect", "")
                    .method("PUT", RequestBody.ofBytes(new byte[BODY])).build());
            assertThat(server.awaitRequests(1, WAIT).getFirst().header("Expect")).isNull();
        }
    }

    /** A deliberate pause of the server's, longer than the watch's stall limit. */
    private static CompletableFuture<Void> pause(long seconds) {
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS));
    }

    @Test
    void aLateHundredContinueIsNoAnswerThatStopsTheUpload() throws IOException {
        // The 100 comes after the client's wait gave up and the body started; then the server
        // pauses before it reads on. Unread, that 100 is no final answer: the body goes whole.
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead().discard(1)
                .send("HTTP/1.1 100 Continue\r\n\r\n").stallUntil(pause(4)).discard(BODY - 1)
                .send(Responses.ok("all of it")).stallUntil("never").close()))) {
            try (Response r = client.send(Request.put(server.uri("/up").toString(), RequestBody.ofBytes(new byte[BODY])))) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().text()).isEqualTo("all of it");
            }
            server.release("never");
        }
    }

    @Test
    void aFinalAnswerAfterTheWaitForAHundredContinueGaveUpEndsTheUpload() throws IOException {
        // The server stays silent until the body starts (its first byte comes only once the
        // client's wait for 100 Continue gave up); then it refuses with a 401 and stops reading.
        // That answer is the response, not a write blocked until the read timeout.
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead().discard(1)
                .send(Responses.status(401, "who are you")).stallUntil("never").close()))) {
            try (Response r = client.send(Request.put(server.uri("/up").toString(), RequestBody.ofBytes(new byte[BODY])))) {
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.body().text()).isEqualTo("who are you");
            }
            assertThat(server.awaitRequests(1, WAIT).getFirst().header("Expect")).isEqualTo("100-continue");
            server.release("never");
        }
    }

    @Test
    void anInterimAnswerDuringTheUploadIsNoFinalOne() throws IOException {
        // After its 100 Continue the server sends a 102 Processing midway and pauses before it
        // reads on: unread, that 102 is no answer that ends the upload.
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead()
                .send("HTTP/1.1 100 Continue\r\n\r\n").discard(1 << 20)
                .send("HTTP/1.1 102 Processing\r\n\r\n").stallUntil(pause(4)).discard(BODY - (1 << 20))
                .send(Responses.ok("all of it")).stallUntil("never").close()))) {
            try (Response r = client.send(Request.put(server.uri("/up").toString(), RequestBody.ofBytes(new byte[BODY])))) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().text()).isEqualTo("all of it");
            }
            server.release("never");
        }
    }

    @Test
    void aPauseOfTheCallersStreamIsNoStallOfTheServer() throws IOException {
        // The server answers at once and reads on; the caller's stream pauses for longer than
        // the watch's limit. No write is blocked meanwhile, so the watch does not act, and the
        // server, which answers its body only after it read the whole upload, gets it all.
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n";
        int pieces = 3;
        int piece = 64 << 10;
        InputStream slow = new InputStream() {
            private int left;
            private int handed;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    if (handed == pieces) {
                        return -1;
                    }
                    pause(handed == 0 ? 0 : 3).join();
                    handed++;
                    left = piece;
                }
                int n = Math.min(len, left);
                left -= n;
                return n;
            }
        };
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead().send(head)
                .discard((long) pieces * piece).send("done").stallUntil("never").close()))) {
            try (Response r = client.send(Request.newBuilder(server.uri("/up").toString()).header("Expect", "")
                    .method("POST", RequestBody.ofInputStream(slow, OptionalLong.of((long) pieces * piece))).build())) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().text()).isEqualTo("done");
            }
            server.release("never");
        }
    }

    @Test
    void aServerThatAnswersEarlyButGoesOnReadingGetsTheWholeBody() throws IOException {
        // A full-duplex server: its answer's head comes first, its body after the whole upload.
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n";
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead()
                .send(head).discard(BODY).send("done").stallUntil("never").close()))) {
            try (Response r = client.send(Request.newBuilder(server.uri("/up").toString()).header("Expect", "")
                    .method("PUT", RequestBody.ofBytes(new byte[BODY])).build())) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().text()).as("the server read all %d bytes before it sent this", BODY)
                        .isEqualTo("done");
            }
            RecordedRequest req = server.awaitRequests(1, WAIT).getFirst();
            assertThat(req.header("Content-Length")).isEqualTo(Integer.toString(BODY));
            server.release("never");
        }
    }
}
