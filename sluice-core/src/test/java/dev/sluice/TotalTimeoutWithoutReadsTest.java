package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The total timeout ends the exchange when it passes even while nobody reads: a consumer that
 * stalls does not keep the connection, and is told with {@link TotalTimeoutException}.
 */
class TotalTimeoutWithoutReadsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TOTAL = Duration.ofMillis(600);
    /** Sent at once: it fits the loopback socket buffers, so the server is never blocked writing. */
    private static final int SENT = 50_000;

    private ScriptedServer server;
    private Client client;

    @BeforeEach
    void start() throws IOException {
        server = ScriptedServer.start(s -> s
                // The rest of the body never comes; the server waits to see the client close.
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, "Content-Length: " + 2 * SENT))
                        .sendPattern(0, SENT).awaitClientClose())
                .onEveryRequest((req, r) -> r.send(Responses.ok("hello " + req.target()))));
        // One connection per host: a stalled consumer that kept its connection would stop the next request.
        // A pool timeout, so that such a test fails instead of hanging.
        client = Client.builder().maxConnectionsPerHost(1).poolTimeout(WAIT).readTimeout(WAIT).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private Request stalling() {
        return Request.newBuilder(server.uri("/stalls")).timeout(TOTAL).build();
    }

    @Test
    void aSubscriberThatStopsRequestingGetsTheTotalTimeoutAndItsConnectionIsFreed() throws Exception {
        var subscriber = new RecordingSubscriber<ByteBuffer>(1); // one item, then no more demand
        client.sendAsync(stalling()).thenAccept(r -> r.body().async().publisher().subscribe(subscriber))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(subscriber.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(TotalTimeoutException.class)
                .withMessageContaining(server.uri("/stalls").toString());
        assertThat(subscriber.all).hasSizeLessThanOrEqualTo(1);
        server.awaitClientClose(0, WAIT);
        assertThat(client.poolState()).contains("leased=0");
        try (Response r = client.send(Request.get(server.uri("/next")))) {
            assertThat(r.body().text()).isEqualTo("hello /next");
        }
    }

    @Test
    void aSubscriberThatNeverRequestsGetsTheTotalTimeout() throws Exception {
        var subscriber = new RecordingSubscriber<ByteBuffer>(0);
        client.sendAsync(stalling()).thenAccept(r -> r.body().async().publisher().subscribe(subscriber))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(subscriber.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(TotalTimeoutException.class);
        assertThat(subscriber.all).isEmpty();
        server.awaitClientClose(0, WAIT);
        assertThat(client.poolState()).contains("leased=0");
    }

    @Test
    void aSynchronousReaderThatPausesFindsTheConnectionClosedAndTheNextReadTimesOut() throws Exception {
        try (Response r = client.send(stalling())) {
            InputStream in = r.body().stream();
            assertThat(in.read()).isEqualTo(PatternBytes.at(0) & 0xff);

            // Nobody reads now: the total deadline alone closes the connection and frees its
            // slot, which the next request (one connection per host) needs.
            server.awaitClientClose(0, WAIT);
            try (Response next = client.send(Request.get(server.uri("/next")))) {
                assertThat(next.body().text()).isEqualTo("hello /next");
            }
            // What had arrived before may still be read; the read that needs the connection fails.
            assertThatThrownBy(in::readAllBytes).isInstanceOf(TotalTimeoutException.class)
                    .hasMessageContaining(server.uri("/stalls").toString());
        }
    }

    @Test
    void aResponseWhoseBodyIsNeverTouchedIsClosedAtTheTotalDeadline() throws Exception {
        try (Response r = client.send(stalling())) {
            server.awaitClientClose(0, WAIT);
            try (Response next = client.send(Request.get(server.uri("/next")))) {
                assertThat(next.body().text()).isEqualTo("hello /next");
            }
            assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(TotalTimeoutException.class);
        }
    }

    @Test
    void aBodyReadBeforeTheTotalDeadlineKeepsItsConnection() throws Exception {
        try (var plain = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("hello " + req.target()))));
             Client patient = Client.builder().maxConnectionsPerHost(1).totalTimeout(Duration.ofHours(1)).build()) {
            for (int i = 0; i < 3; i++) {
                try (Response r = patient.send(Request.get(plain.uri("/ok" + i)))) {
                    assertThat(r.body().text()).isEqualTo("hello /ok" + i);
                }
            }
            assertThat(patient.poolState()).contains("leased=0", "idle=1");
            assertThat(plain.connectionCount()).isEqualTo(1);
        }
    }
}
