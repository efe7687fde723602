package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Requests beyond the connection limit are served in the order they were made: for
 * {@code sendAsync}, the order of the calls, not the order in which the scheduler happens to
 * run their virtual threads up to the pool.
 */
class WaitingOrderTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int WAITERS = 300;

    /** The first request's response stalls mid-body until "go", so its connection stays leased; the others answer at once. */
    private static ScriptedServer server() throws IOException {
        return ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.head(200, "Content-Length: 2") + "a").stallUntil("go").send("b"))
                .onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))));
    }

    /** Waits until the pool's line holds {@code count} waiters (a hang guard, not a measure of time). */
    private static void awaitWaiting(Client client, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!client.poolState().contains("waiting=" + count + " ")) {
            assertThat(System.nanoTime() - deadline).as("pool: %s", client.poolState()).isNegative();
            Thread.onSpinWait();
        }
    }

    private static List<String> targets(ScriptedServer server, int count) {
        return server.awaitRequests(count, WAIT).stream().map(RecordedRequest::target).toList();
    }

    @Test
    void asyncRequestsWaitingForTheOnlyConnectionAreServedInTheOrderOfTheirCalls() throws Exception {
        try (var server = server();
             Client client = Client.builder().maxConnections(1).poolTimeout(WAIT).readTimeout(WAIT).build()) {
            Response first = client.send(Request.get(server.uri("/first")));
            List<CompletableFuture<String>> bodies = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                bodies.add(client.sendAsync(Request.get(server.uri("/" + i)))
                        .thenCompose(r -> r.body().async().text()));
            }
            // Every waiter is in line before the connection frees: from then on the pool alone
            // decides the order.
            awaitWaiting(client, WAITERS);
            server.release("go");
            assertThat(first.body().text()).isEqualTo("ab");
            first.close();
            for (int i = 0; i < WAITERS; i++) {
                assertThat(bodies.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("/" + i);
            }
            List<String> expected = new ArrayList<>(List.of("/first"));
            IntStream.range(0, WAITERS).forEach(i -> expected.add("/" + i));
            assertThat(targets(server, WAITERS + 1)).containsExactlyElementsOf(expected);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void aTicketTakenEarlierIsServedFirstWhateverOrderTheWaitersArriveIn() throws Exception {
        try (var server = server();
             var watchdog = new Watchdog();
             var pool = new ConnectionPool(new SocketConnector(() -> null, true, watchdog, new BufferPool()),
                     1, 1, WAIT.toNanos())) {
            // Tickets 0..n-1 taken in order; the waiters join the line in reverse.
            URI uri = server.uri("/");
            Origin origin = Origin.of(uri);
            long[] tickets = new long[5];
            for (int i = 0; i < tickets.length; i++) {
                tickets[i] = pool.ticket();
            }
            Lease held = pool.acquire(origin, Reuse.IDLE, pool.ticket(), Long.MAX_VALUE, Deadline.POOL, () -> Long.MAX_VALUE);
            List<Integer> served = Collections.synchronizedList(new ArrayList<>());
            List<Thread> waiters = new ArrayList<>();
            for (int i = tickets.length - 1; i >= 0; i--) {
                int index = i;
                waiters.add(Thread.ofVirtual().start(() -> {
                    try {
                        Lease lease = pool.acquire(origin, Reuse.IDLE, tickets[index], Long.MAX_VALUE, Deadline.POOL,
                                () -> Long.MAX_VALUE);
                        served.add(index);
                        lease.release(true);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
                awaitPoolWaiting(pool, tickets.length - i);
            }
            held.release(true);
            for (Thread t : waiters) {
                assertThat(t.join(WAIT)).isTrue();
            }
            assertThat(served).containsExactly(0, 1, 2, 3, 4);
        }
    }

    private static void awaitPoolWaiting(ConnectionPool pool, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!pool.toString().contains("waiting=" + count + " ")) {
            assertThat(System.nanoTime() - deadline).as("pool: %s", pool).isNegative();
            Thread.onSpinWait();
        }
    }
}
