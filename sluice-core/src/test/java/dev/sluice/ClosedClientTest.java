package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A request on a closed client is local misuse: an {@link IllegalStateException} naming the
 * URL, not a {@link ConnectFailedException} (which the CLI calls exit 4 and the downloader
 * retries). Requests already under way when the client closes end sanely: one that holds a
 * connection finishes and its connection is closed after it; one still waiting for a
 * connection is told the client is closed.
 */
class ClosedClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void sendingOnAClosedClientIsAnIllegalStateNamingTheUrl() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("unused"))))) {
            Client client = Client.newClient();
            client.close();
            URI uri = server.uri("/after-close");
            assertThatThrownBy(() -> client.send(Request.get(uri)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed")
                    .hasMessageContaining(uri.toString());
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void sendingAsyncOnAClosedClientFailsTheFutureWithAnIllegalState() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("unused"))))) {
            Client client = Client.newClient();
            client.close();
            CompletableFuture<Response> future = client.sendAsync(Request.get(server.uri("/async")));
            assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closingTheClientEndsWaitersWithAnIllegalStateAndLetsTheLeasedRequestFinish() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, "Content-Length: 4"))
                        .stallUntil("body").send("done").awaitClientClose())
                .onEveryConnection(c -> c.serveRequests())
                .onEveryRequest((req, r) -> r.send(Responses.ok("second"))))) {
            Client client = Client.builder().maxConnections(1).readTimeout(WAIT).build();
            Response first = client.send(Request.get(server.uri("/first")));
            URI waiting = server.uri("/waiting");
            CompletableFuture<Response> second = client.sendAsync(Request.get(waiting));
            awaitPoolState(client, "waiting=1");

            client.close();

            assertThatThrownBy(() -> second.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining(waiting.toString());
            server.release("body");
            assertThat(first.body().text()).isEqualTo("done");
            first.close();
            server.awaitClientClose(0, WAIT); // the connection was not kept: the client is closed
            assertThat(client.poolState()).contains("leased=0", "idle=0", "waiting=0");
            assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/first");
        }
    }

    /** Polls the pool (it has no notification to wait on) until it reports {@code part}. */
    private static void awaitPoolState(Client client, String part) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!client.poolState().contains(part)) {
            assertThat(System.nanoTime()).as("pool state %s within %s", part, WAIT).isLessThan(deadline);
            Thread.yield();
        }
    }
}
