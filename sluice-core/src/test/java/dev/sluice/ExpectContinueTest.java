package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A large upload asks first (RFC 9110 §10.1.1, as curl does): {@code Expect: 100-continue},
 * then the body after a 100 Continue, or after a short wait when the server ignores the
 * expectation; a final answer to the head is the response and the body is never sent; a 417
 * repeats the request without the expectation.
 */
class ExpectContinueTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int LARGE = 3 << 20;

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static Request put(ScriptedServer server, byte[] body) {
        return Request.newBuilder(server.uri("/up").toString()).method("PUT", RequestBody.ofBytes(body)).build();
    }

    @Test
    void anAnswerToTheHeadOfALargeUploadIsTheResponseEvenWhenTheServerKeepsTheConnection() throws IOException {
        // The server neither reads the body nor closes: without the expectation the client
        // would write until the socket buffers fill and then wait for the read timeout.
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead()
                .send(Responses.status(413, "too large")).stallUntil("never").close()))) {
            try (Response r = client.send(put(server, new byte[64 << 20]))) {
                assertThat(r.status()).isEqualTo(413);
                assertThat(r.body().text()).isEqualTo("too large");
            }
            RecordedRequest req = server.awaitRequests(1, WAIT).getFirst();
            assertThat(req.header("Expect")).isEqualTo("100-continue");
            assertThat(client.poolState()).as("the body was never sent: the connection cannot be reused")
                    .contains("leased=0", "idle=0");
            server.release("never");
        }
    }

    @Test
    void theBodyGoesAfterAHundredContinue() throws IOException {
        byte[] body = PatternBytes.bytes(0, LARGE);
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestAfterContinue()
                .send(Responses.ok("stored")).serveRequests()));
             Response r = client.send(put(server, body))) {
            assertThat(r.body().text()).isEqualTo("stored");
            RecordedRequest req = server.awaitRequests(1, WAIT).getFirst();
            assertThat(req.header("Expect")).isEqualTo("100-continue");
            assertThat(req.body()).isEqualTo(body);
        }
    }

    @Test
    void theBodyGoesAnywayWhenTheServerIgnoresTheExpectation() throws IOException {
        byte[] body = PatternBytes.bytes(0, LARGE);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.ok(req.method() + " " + req.body().length))))) {
            try (Response r = client.send(put(server, body))) {
                assertThat(r.body().text()).isEqualTo("PUT " + LARGE);
            }
            RecordedRequest req = server.awaitRequests(1, WAIT).getFirst();
            assertThat(req.header("Expect")).isEqualTo("100-continue");
            assertThat(req.body()).isEqualTo(body);
            // The exchange ended on its boundary: the connection is reused.
            try (Response r = client.send(Request.get(server.uri("/next")))) {
                assertThat(r.body().text()).isEqualTo("GET 0");
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex).containsExactly(0, 0);
        }
    }

    @Test
    void aFourSeventeenRepeatsTheRequestWithoutTheExpectationEvenForAStream() throws IOException {
        byte[] body = PatternBytes.bytes(0, LARGE);
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequestHead().send(Responses.status(417, "", "Connection: close")).close())
                .onEveryConnection(c -> c.serveRequests())
                .onEveryRequest((req, r) -> r.send(Responses.ok(req.method() + " " + req.body().length))))) {
            Request post = Request.newBuilder(server.uri("/up").toString())
                    .method("POST", RequestBody.ofInputStream(new ByteArrayInputStream(body), OptionalLong.empty())).build();
            try (Response r = client.send(post)) {
                assertThat(r.body().text()).isEqualTo("POST " + LARGE);
            }
            var seen = server.awaitRequests(2, WAIT);
            assertThat(seen.get(0).header("Expect")).isEqualTo("100-continue");
            assertThat(seen.get(1).header("Expect")).isNull();
            assertThat(seen.get(1).body()).isEqualTo(body);
        }
    }

    @Test
    void aSmallBodyGoesWithoutAsking() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("ok"))));
             Response r = client.send(put(server, new byte[1 << 20]))) {
            assertThat(r.body().text()).isEqualTo("ok");
            assertThat(server.awaitRequests(1, WAIT).getFirst().header("Expect")).isNull();
        }
    }

    @Test
    void overTlsToo() throws IOException {
        var certs = dev.sluice.testkit.TestCertificates.shared();
        try (var server = ScriptedServer.startTls(certs.serverContext(), s -> s
                .onConnection(0, c -> c.expectRequestHead().send(Responses.status(413, "too large")).stallUntil("never").close())
                .onEveryConnection(c -> c.expectRequestAfterContinue().send(Responses.ok("stored")).serveRequests()));
             Client tls = Client.builder().sslContext(certs.clientContext()).readTimeout(WAIT).build()) {
            try (Response r = tls.send(put(server, new byte[64 << 20]))) {
                assertThat(r.status()).isEqualTo(413);
            }
            byte[] body = PatternBytes.bytes(0, LARGE);
            try (Response r = tls.send(put(server, body))) {
                assertThat(r.body().text()).isEqualTo("stored");
            }
            assertThat(server.awaitRequests(2, WAIT).get(1).body()).isEqualTo(body);
            server.release("never");
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // a hang guard: the watchdog's close waited for the blocked TLS write
    void aTlsUploadToAServerThatStopsReadingTimesOutInsteadOfHanging() throws IOException {
        var certs = dev.sluice.testkit.TestCertificates.shared();
        try (var server = ScriptedServer.startTls(certs.serverContext(), s -> s.onEveryConnection(c -> c
                .expectRequestHead().stallUntil("never").close()));
             Client tls = Client.builder().sslContext(certs.clientContext()).readTimeout(Duration.ofSeconds(1)).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> tls.send(put(server, new byte[64 << 20])))
                    .isInstanceOf(SluiceTimeoutException.class)
                    .hasMessageContaining("/up");
            assertThat(tls.poolState()).contains("leased=0");
            server.release("never");
        }
    }

    @Test
    void aFourSeventeenAfterPartOfAStreamWasSentIsNotRepeatedWithTheRest() throws IOException {
        // The server says nothing for the wait, so the body starts; then it refuses and closes.
        // Repeating the request would send the stream's remainder as if it were the whole body.
        java.util.concurrent.CountDownLatch bodyStarted = new java.util.concurrent.CountDownLatch(1);
        long length = 64L << 20;
        java.io.InputStream zeros = new java.io.InputStream() {
            private long left = length;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                bodyStarted.countDown();
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequestHead().stallUntil(bodyStarted)
                        .send(Responses.status(417, "", "Connection: close")).close())
                .onEveryConnection(c -> c.serveRequests())
                .onEveryRequest((req, r) -> r.send(Responses.ok("must not be reached"))))) {
            Request post = Request.newBuilder(server.uri("/up").toString())
                    .method("POST", RequestBody.ofInputStream(zeros, OptionalLong.empty())).build();
            try (Response r = client.send(post)) {
                assertThat(r.status()).isEqualTo(417);
            }
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aServerThatClosesAfterTheHeadIsReportedAsAClose() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead().close()))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.send(put(server, new byte[LARGE])))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("status line");
        }
    }

    @Test
    void anEmptyExpectHeaderTurnsTheExpectationOffAndIsNotSent() throws IOException {
        byte[] body = PatternBytes.bytes(0, LARGE);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("ok"))))) {
            try (Response r = client.send(Request.newBuilder(server.uri("/up").toString()).header("Expect", "")
                    .method("PUT", RequestBody.ofBytes(body)).build())) {
                assertThat(r.body().text()).isEqualTo("ok");
            }
            RecordedRequest req = server.awaitRequests(1, WAIT).getFirst();
            assertThat(req.header("Expect")).isNull();
            assertThat(req.body()).isEqualTo(body);
        }
    }
}
