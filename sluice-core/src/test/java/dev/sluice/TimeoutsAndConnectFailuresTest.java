package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.FullBacklog;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silence, slow drips and unreachable servers each end in their own typed exception: read
 * timeout (head or body), total timeout, connect timeout (waiting for a pooled connection),
 * connect failure (refused, unknown host).
 */
class TimeoutsAndConnectFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SHORT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void silenceBeforeTheHeadIsAReadTimeout() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().stallUntil("never")));
             Client client = Client.builder().readTimeout(SHORT).build()) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/silent"))))
                    .isInstanceOf(ReadTimeoutException.class)
                    .hasMessageContaining(server.uri("/silent").toString())
                    .satisfies(e -> assertThat(((ReadTimeoutException) e).limit()).isEqualTo(SHORT));
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    @Test
    void silenceMidBodyIsAReadTimeoutThroughEveryReadForm() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(5000).stallUntil("never")));
             Client client = Client.builder().readTimeout(SHORT).build()) {
            for (ReadForm form : ReadForm.values()) {
                try (Response r = client.send(Request.get(server.uri("/stall")))) {
                    assertThatThrownBy(() -> form.readAll(r.body(), dir))
                            .as(form.name())
                            .isInstanceOf(ReadTimeoutException.class);
                }
            }
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    @Test
    void aSlowDripThatKeepsTheReadTimeoutHappyStillHitsTheTotalTimeout() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).throttle(200).sendPattern(100000)));
             Client client = Client.builder().readTimeout(Duration.ofSeconds(5)).totalTimeout(Duration.ofMillis(700)).build()) {
            try (Response r = client.send(Request.get(server.uri("/drip")))) {
                assertThatThrownBy(() -> r.body().bytes())
                        .isInstanceOf(TotalTimeoutException.class)
                        .satisfies(e -> assertThat(((TotalTimeoutException) e).limit()).isEqualTo(Duration.ofMillis(700)));
            }
        }
    }

    @Test
    void aPerRequestTimeoutOverridesTheClientTotalTimeout() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).throttle(200).sendPattern(100000)));
             Client client = Client.builder().readTimeout(Duration.ofSeconds(5)).build()) {
            Request request = Request.newBuilder(server.uri("/drip")).timeout(Duration.ofMillis(500)).build();
            try (Response r = client.send(request)) {
                assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(TotalTimeoutException.class);
            }
        }
    }

    @Test
    void waitingForAPooledConnectionLongerThanThePoolTimeoutIsAConnectTimeout() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 10") + "01234").stallUntil("rest").send("56789")));
             Client client = Client.builder().maxConnections(1).poolTimeout(SHORT).build()) {
            try (Response held = client.send(Request.get(server.uri("/held")))) {
                assertThatThrownBy(() -> client.send(Request.get(server.uri("/second"))))
                        .isInstanceOf(ConnectTimeoutException.class)
                        .hasMessageContaining("/second");
                assertThat(server.connectionCount()).isEqualTo(1);
                server.release("rest");
                assertThat(held.body().text()).isEqualTo("0123456789");
            }
            assertThat(client.poolState()).contains("leased=0", "waiting=0");
        }
    }

    @Test
    void aConnectThatHangsIsAConnectTimeoutNamingTheUrl() throws IOException {
        try (FullBacklog backlog = new FullBacklog();
             Client client = Client.builder().connectTimeout(Duration.ofMillis(300)).build()) {
            assumeTrue(backlog.isFull(), "this kernel refuses instead of ignoring a connect to a full queue");
            assertThatThrownBy(() -> client.send(Request.get(backlog.uri("/hang"))))
                    .isInstanceOf(ConnectTimeoutException.class)
                    .hasMessageContaining(backlog.uri("/hang").toString())
                    .hasMessageContaining("(connect timeout) took longer than 0.3 s")
                    .satisfies(e -> assertThat(((ConnectTimeoutException) e).limit()).isEqualTo(Duration.ofMillis(300)));
            assertThat(client.poolState()).contains("leased=0", "waiting=0");
        }
    }

    /**
     * A port that takes the connection but never speaks TLS: the TCP connect succeeded, so the
     * words name the handshake (they said "connecting to", which points at the network).
     */
    @Test
    void aHandshakeThatHangsIsAConnectTimeoutNamingTheHandshake() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.stallUntil("never")));
             Client client = Client.builder().connectTimeout(Duration.ofMillis(300)).build()) {
            String url = "https://127.0.0.1:" + server.port() + "/x";
            assertThatThrownBy(() -> client.send(Request.get(url)))
                    .isInstanceOf(ConnectTimeoutException.class)
                    .hasMessage(url + ": TLS handshake with 127.0.0.1 port " + server.port()
                            + " (connect timeout) took longer than 0.3 s");
            assertThat(client.poolState()).contains("leased=0", "waiting=0");
        }
    }

    /** A server that takes none of the request: the silence is the server's, not the data's. */
    @Test
    void anUploadTheServerStopsTakingIsAReadTimeoutThatSaysSo() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.stallUntil("never")));
             Client client = Client.builder().readTimeout(Duration.ofMillis(300)).build()) {
            // Far more than the socket buffers of both sides hold.
            Request upload = Request.put(server.uri("/up"), RequestBody.ofBytes(new byte[64 << 20]));
            assertThatThrownBy(() -> client.send(upload))
                    .isInstanceOf(ReadTimeoutException.class)
                    .hasMessage(server.uri("/up") + ": the server took no data for 0.3 s (read timeout) while sending the request");
            assertThat(client.poolState()).contains("leased=0", "waiting=0");
        }
    }

    @Test
    void refusedConnectionIsAConnectFailure() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = socket.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + port + "/refused");
        try (Client client = Client.newClient()) {
            assertThatThrownBy(() -> client.send(Request.get(uri)))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining(uri.toString());
            assertThat(client.poolState()).contains("leased=0", "idle=0", "hosts=0");
        }
    }

    @Test
    void unknownHostIsAConnectFailure() {
        try (Client client = Client.builder().connectTimeout(Duration.ofSeconds(20)).build()) {
            assertThatThrownBy(() -> client.send(Request.get("http://nonexistent.invalid/x")))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining("nonexistent.invalid");
            assertThat(client.poolState()).contains("leased=0", "hosts=0");
        }
    }

    @Test
    void aReadTimeoutDoesNotPoisonTheNextRequest() throws IOException {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().awaitClientClose())
                .onEveryConnection(c -> c.expectRequest().send(Responses.ok("fine")).close()));
             Client client = Client.builder().readTimeout(SHORT).build()) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/a")))).isInstanceOf(ReadTimeoutException.class);
            try (Response r = client.send(Request.get(server.uri("/b")))) {
                assertThat(r.body().text()).isEqualTo("fine");
            }
            server.awaitClientClose(0, WAIT);
        }
    }

    @Test
    void aResponseStillOpenWhenTheClientClosesKeepsItsReadTimeout() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100") + "abc").awaitClientClose()))) {
            Client client = Client.builder().readTimeout(SHORT).build();
            Response r = client.send(Request.get(server.uri("/open")));
            client.close();
            CompletableFuture<byte[]> read = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    read.complete(r.body().bytes());
                } catch (Throwable t) {
                    read.completeExceptionally(t);
                }
            });
            assertThat(read).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ReadTimeoutException.class);
        }
    }
}
