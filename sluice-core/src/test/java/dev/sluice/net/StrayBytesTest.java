package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bytes a server sends on a keep-alive connection after a response has ended belong to no
 * request: they must never be read as the answer to the next one. Every idle connection is
 * checked before reuse, however briefly it was idle, and one with stray bytes is dropped for
 * a new connection. The servers signal once the stray bytes are written (on loopback they are
 * then in the client's receive queue), and only then does the client send its next request.
 */
class StrayBytesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.shared();

    private Client client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    /**
     * Connection 0 answers with {@code response}, waits until the client has read it (so the
     * stray bytes cannot arrive in the same read), sends {@code stray} and signals
     * {@code written}; later connections answer "fresh".
     */
    private static ScriptedServer strayAfter(String response, CountDownLatch read, String stray, CountDownLatch written,
                                             boolean tls) throws IOException {
        return start(tls, s -> s
                .onConnection(0, c -> c.expectRequest().send(response).stallUntil(read).send(stray).signal(written)
                        .awaitClientClose())
                .onEveryConnection(c -> c.serveRequests())
                .onEveryRequest((req, r) -> r.send(Responses.ok("fresh " + req.target()))));
    }

    private static ScriptedServer start(boolean tls, java.util.function.Consumer<ScriptedServer.Spec> spec)
            throws IOException {
        return tls ? ScriptedServer.startTls(CERTS.serverContext(), spec) : ScriptedServer.start(spec);
    }

    private String get(ScriptedServer server, String path) throws IOException {
        try (Response r = client.send(Request.get(server.uri(path)))) {
            return r.status() + " " + r.body().text();
        }
    }

    private void strayResponseIsNotTakenForTheNextOne(boolean tls) throws Exception {
        client = Client.builder().sslContext(CERTS.clientContext()).readTimeout(WAIT).build();
        var read = new CountDownLatch(1);
        var written = new CountDownLatch(1);
        try (var server = strayAfter("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood", read,
                "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil", written, tls)) {
            assertThat(get(server, "/a")).isEqualTo("200 good");
            read.countDown();
            assertThat(written.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(get(server, "/b")).isEqualTo("200 fresh /b");
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex)
                    .containsExactly(0, 1);
            server.awaitClientClose(0, WAIT);
        }
    }

    @Test
    void aStrayResponseOnAnIdleConnectionIsNotTakenForTheNextResponse() throws Exception {
        strayResponseIsNotTakenForTheNextOne(false);
    }

    @Test
    void aStrayResponseOnAnIdleTlsConnectionIsNotTakenForTheNextResponse() throws Exception {
        strayResponseIsNotTakenForTheNextOne(true);
    }

    @Test
    void aBodyAfterA204IsDroppedWithItsConnectionNotParsedAsTheNextHead() throws Exception {
        client = Client.builder().readTimeout(WAIT).build();
        var read = new CountDownLatch(1);
        var written = new CountDownLatch(1);
        // A 204 has no body whatever its Content-Length says (RFC 9112 §6.3): "hello" is stray.
        try (var server = strayAfter("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", read, "hello", written,
                false)) {
            assertThat(get(server, "/a")).isEqualTo("204 ");
            read.countDown();
            assertThat(written.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(get(server, "/b")).isEqualTo("200 fresh /b");
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex)
                    .containsExactly(0, 1);
        }
    }

    @Test
    void aQuietIdleConnectionIsStillReused() throws Exception {
        client = Client.builder().sslContext(CERTS.clientContext()).readTimeout(WAIT).build();
        for (boolean tls : new boolean[] {false, true}) {
            try (var server = start(tls, s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("at " + req.target()))))) {
                for (int i = 0; i < 3; i++) {
                    assertThat(get(server, "/" + i)).isEqualTo("200 at /" + i);
                }
                assertThat(server.awaitRequests(3, WAIT)).extracting(RecordedRequest::connectionIndex)
                        .containsOnly(0);
            }
        }
    }
}
