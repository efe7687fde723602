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
 * run their virtual threads up to the pool; with the allowances that keep connections alive (a
 * freed connection serves its own origin's line) and none that lets a line wait for ever.
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
            Thread.yield(); // the pool's lock is wanted by the waiters this waits for
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
    void aRedirectWaitsAgainAtThePlaceOfItsRequestAheadOfRequestsMadeLater() throws Exception {
        // One connection. /r (made first) is answered with a redirect once /l1, /l2 and /l3 wait;
        // the connection it leaves goes to /l1, the first in line, whose answer waits until the
        // redirect's second step is in line too: that step then comes before /l2 and /l3.
        try (var server = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.stallUntil("redirect").send(Responses.head(302, "Location: /r2", "Content-Length: 0")))
                .onRequest(1, r -> r.stallUntil("go").send(Responses.ok("/l1")))
                .onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))));
             Client client = Client.builder().maxConnections(1).poolTimeout(WAIT).readTimeout(WAIT).build()) {
            CompletableFuture<String> redirected = client.sendAsync(Request.get(server.uri("/r")))
                    .thenCompose(r -> r.body().async().text());
            server.awaitRequests(1, WAIT);
            List<CompletableFuture<String>> later = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                later.add(client.sendAsync(Request.get(server.uri("/l" + i))).thenCompose(r -> r.body().async().text()));
            }
            awaitWaiting(client, 3);
            server.release("redirect");
            server.awaitRequests(2, WAIT); // /l1 has the connection, so it has left the line
            awaitWaiting(client, 3);       // /r2, /l2 and /l3
            server.release("go");
            assertThat(redirected.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("/r2");
            for (int i = 1; i <= 3; i++) {
                assertThat(later.get(i - 1).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("/l" + i);
            }
            assertThat(targets(server, 5)).containsExactly("/r", "/l1", "/r2", "/l2", "/l3");
        }
    }

    @Test
    void atTheTotalLimitTwoBusyOriginsKeepTheirConnectionsInsteadOfClosingThemForEachOther() throws Exception {
        // Requests to two origins in turn, far more than the four connections allowed in all: a
        // connection that frees goes on serving its own origin's line. Handing it in strict
        // ticket order to the other origin's earlier request would close it and open another
        // for almost every request (about 200 here).
        try (var a = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("a"))));
             var b = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("b"))));
             Client client = Client.builder().maxConnections(4).poolTimeout(WAIT).readTimeout(WAIT).build()) {
            List<CompletableFuture<String>> bodies = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                var server = i % 2 == 0 ? a : b;
                bodies.add(client.sendAsync(Request.get(server.uri("/" + i))).thenCompose(r -> r.body().async().text()));
            }
            for (int i = 0; i < bodies.size(); i++) {
                assertThat(bodies.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(i % 2 == 0 ? "a" : "b");
            }
            assertThat(a.connectionCount() + b.connectionCount()).as("connections opened").isLessThanOrEqualTo(16);
        }
    }

    @Test
    void anOriginWithFewerConnectionsInUseIsGivenTheNextOneThatFreesAtTheTotalLimit() throws Exception {
        // Four connections in all: a long stream from B holds one, three slow answers from A the
        // others. Then B's second request, then many to A, whose answers wait until the end.
        // When A's first answer ends, B has one connection in use and A two: the freed one is
        // closed and B's second request gets a connection of its own. Were it left to A's line,
        // A's later requests would take every connection and B's second request would wait for
        // its stream.
        try (var a = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.stallUntil("a").send(Responses.ok("a0")))
                .onRequest(1, r -> r.stallUntil("a").send(Responses.ok("a1")))
                .onRequest(2, r -> r.stallUntil("a").send(Responses.ok("a2")))
                .onEveryRequest((req, r) -> r.stallUntil("end").send(Responses.ok("a"))));
             var b = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.head(200, "Content-Length: 2") + "b").stallUntil("b").send("b"))
                .onEveryRequest((req, r) -> r.send(Responses.ok("second"))));
             Client client = Client.builder().maxConnections(4).poolTimeout(WAIT).readTimeout(WAIT).build()) {
            Response stream = client.send(Request.get(b.uri("/stream")));
            List<CompletableFuture<String>> slow = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                slow.add(client.sendAsync(Request.get(a.uri("/slow" + i))).thenCompose(r -> r.body().async().text()));
            }
            a.awaitRequests(3, WAIT);
            CompletableFuture<String> second = client.sendAsync(Request.get(b.uri("/second")))
                    .thenCompose(r -> r.body().async().text());
            List<CompletableFuture<String>> more = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                more.add(client.sendAsync(Request.get(a.uri("/more" + i))).thenCompose(r -> r.body().async().text()));
            }
            awaitWaiting(client, 21);
            a.release("a");
            // Before the stream and A's later answers are let go: had the second request waited
            // for them, this would fail.
            assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("second");
            a.release("end");
            b.release("b");
            assertThat(stream.body().text()).isEqualTo("bb");
            stream.close();
            for (CompletableFuture<String> f : slow) {
                assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).startsWith("a");
            }
            for (CompletableFuture<String> f : more) {
                assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("a");
            }
        }
    }

    @Test
    void aTicketTakenEarlierIsServedFirstWhateverOrderTheWaitersArriveIn() throws Exception {
        try (var server = server()) {
            Origin origin = Origin.of(server.uri("/"));
            // Tickets taken in order 0..4; the waiters join the line in reverse.
            List<String> served = serve(origin, List.of(
                    new Waiting("4", origin, Reuse.IDLE, 4), new Waiting("3", origin, Reuse.IDLE, 3),
                    new Waiting("2", origin, Reuse.IDLE, 2), new Waiting("1", origin, Reuse.IDLE, 1),
                    new Waiting("0", origin, Reuse.IDLE, 0)));
            assertThat(served).containsExactly("0", "1", "2", "3", "4");
        }
    }

    @Test
    void anEarlierWaiterForANewConnectionIsNotPassedByLaterOnesThatTakeTheIdleOne() throws Exception {
        // A retry asks for a new connection; the idle one must not go past it to later requests.
        try (var server = server()) {
            Origin origin = Origin.of(server.uri("/"));
            List<String> served = serve(origin, List.of(
                    new Waiting("retry", origin, Reuse.NEW, 0), new Waiting("later1", origin, Reuse.IDLE, 1),
                    new Waiting("later2", origin, Reuse.IDLE, 2)));
            assertThat(served).containsExactly("retry", "later1", "later2");
        }
    }

    @Test
    void atTheTotalLimitAnEarlierWaiterWhoseOriginHasNoConnectionInUseIsNotPassedByLaterOnesOfTheIdleConnectionsOrigin()
            throws Exception {
        try (var a = server(); var b = server()) {
            Origin oa = Origin.of(a.uri("/"));
            Origin ob = Origin.of(b.uri("/"));
            List<String> served = serve(oa, List.of(
                    new Waiting("b", ob, Reuse.IDLE, 0), new Waiting("a1", oa, Reuse.IDLE, 1),
                    new Waiting("a2", oa, Reuse.IDLE, 2)));
            assertThat(served).containsExactly("b", "a1", "a2");
        }
    }

    @Test
    void aWaiterWhoseHostIsAtItsLimitLetsALaterOneOfAnotherHostPass() throws Exception {
        // Two connections in all, one per host: "first" holds its host's only one; "same" (ticket
        // 0) waits for it; "other" (ticket 1) goes to another name of the same server, a host of its own.
        try (var server = server();
             var watchdog = new Watchdog();
             var pool = new ConnectionPool(new SocketConnector(() -> null, true, watchdog, new BufferPool()),
                     2, 1, WAIT.toNanos())) {
            Origin ip = Origin.of(server.uri("/"));
            Origin name = Origin.of(URI.create("http://other" + GatedResolver.LOOPBACK_SUFFIX + ":" + server.port() + "/"));
            long sameTicket = pool.ticket();
            long otherTicket = pool.ticket();
            Lease first = pool.acquire(ip, Reuse.IDLE, pool.ticket(), Long.MAX_VALUE, Deadline.POOL, () -> Long.MAX_VALUE);
            CompletableFuture<Lease> same = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> acquireInto(pool, ip, Reuse.IDLE, sameTicket, same));
            awaitPoolWaiting(pool, 1);
            // With a deadline: were "other" held back behind "same", this fails instead of hanging.
            Lease other = pool.acquire(name, Reuse.IDLE, otherTicket, System.nanoTime() + WAIT.toNanos(), Deadline.POOL,
                    () -> Long.MAX_VALUE);
            assertThat(same).isNotDone();
            other.release(true);
            first.release(true);
            same.get(WAIT.toSeconds(), TimeUnit.SECONDS).release(true);
        }
    }

    @Test
    void atItsHostsLimitAnEarlierWaiterOfAnotherPortWithNothingInUseIsNotPassedByTheBusyPortsLine()
            throws Exception {
        // Room for ten connections in all but one per host; both servers are on 127.0.0.1. The
        // freed connection to port A is closed for the earlier waiter for port B, who has none.
        try (var a = server(); var b = server()) {
            Origin oa = Origin.of(a.uri("/"));
            Origin ob = Origin.of(b.uri("/"));
            List<String> served = serve(10, 1, oa, List.of(
                    new Waiting("b", ob, Reuse.IDLE, 0), new Waiting("a1", oa, Reuse.IDLE, 1),
                    new Waiting("a2", oa, Reuse.IDLE, 2)));
            assertThat(served).containsExactly("b", "a1", "a2");
        }
    }

    /** A waiter to line up: its name, origin, what it takes, and the index of its ticket. */
    private record Waiting(String name, Origin origin, Reuse reuse, int ticketIndex) {}

    /** {@link #serve(int, int, Origin, List)} with one connection in all. */
    private static List<String> serve(Origin held, List<Waiting> waiting) throws Exception {
        return serve(1, 1, held, waiting);
    }

    /**
     * With a pool of these limits and one connection leased to {@code held}'s origin: takes one
     * ticket per waiter (in index order), lines the waiters up in the order given, each in line
     * before the next comes, frees the connection, and returns the order in which they were
     * served. Each waits with a deadline, so a waiter left behind fails the test.
     */
    private static List<String> serve(int maxTotal, int maxPerHost, Origin held, List<Waiting> waiting)
            throws Exception {
        try (var watchdog = new Watchdog();
             var pool = new ConnectionPool(new SocketConnector(() -> null, true, watchdog, new BufferPool()),
                     maxTotal, maxPerHost, WAIT.toNanos())) {
            long[] tickets = new long[waiting.size()];
            for (int i = 0; i < tickets.length; i++) {
                tickets[i] = pool.ticket();
            }
            Lease lease = pool.acquire(held, Reuse.IDLE, pool.ticket(), Long.MAX_VALUE, Deadline.POOL, () -> Long.MAX_VALUE);
            List<String> served = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (Waiting w : waiting) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                done.add(f);
                Thread.ofVirtual().start(() -> {
                    try {
                        Lease l = pool.acquire(w.origin(), w.reuse(), tickets[w.ticketIndex()],
                                System.nanoTime() + WAIT.toNanos(), Deadline.POOL, () -> Long.MAX_VALUE);
                        served.add(w.name());
                        l.release(true);
                        f.complete(null);
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                });
                awaitPoolWaiting(pool, done.size());
            }
            lease.release(true);
            for (CompletableFuture<Void> f : done) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            return served;
        }
    }

    private static void acquireInto(ConnectionPool pool, Origin origin, Reuse reuse, long ticket,
                                    CompletableFuture<Lease> into) {
        try {
            into.complete(pool.acquire(origin, reuse, ticket, Long.MAX_VALUE, Deadline.POOL, () -> Long.MAX_VALUE));
        } catch (Throwable e) {
            into.completeExceptionally(e);
        }
    }

    /** Waits until the pool's line holds {@code count} waiters (a hang guard, not a measure of time). */
    private static void awaitPoolWaiting(ConnectionPool pool, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!pool.toString().contains("waiting=" + count + " ")) {
            assertThat(System.nanoTime() - deadline).as("pool: %s", pool).isNegative();
            Thread.yield();
        }
    }
}
