package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.ScriptedServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A request that cannot be sent again takes no idle connection older than the pool allows it:
 * a server closing the connection for idleness as the request arrives would leave the
 * request's fate unknown. Requests that can be retried still reuse it.
 */
class UnretryableIdleAgeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Lease acquire(ConnectionPool pool, Origin origin, Reuse reuse) throws Exception {
        return pool.acquire(origin, reuse, pool.ticket(), System.nanoTime() + WAIT.toNanos(), Deadline.POOL,
                () -> System.nanoTime() + WAIT.toNanos());
    }

    @Test
    void anUnretryableRequestGetsANewConnectionWhenTheIdleOneIsTooOld() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.awaitClientClose()));
             var watchdog = new Watchdog();
             // Every idle connection is too old for an unretryable request; one per host, so the
             // old one must be closed to make room.
             var pool = new ConnectionPool(new SocketConnector(() -> null, true, watchdog, new BufferPool()),
                     1, 1, WAIT.toNanos(), 0)) {
            Origin origin = Origin.of(server.uri("/"));
            acquire(pool, origin, Reuse.IDLE).release(true);

            Lease post = acquire(pool, origin, Reuse.IDLE_CHECKED);

            assertThat(post.isReused()).isFalse();
            server.awaitClientClose(0, WAIT);
            server.awaitConnections(2, WAIT);
            post.release(true);
            Lease get = acquire(pool, origin, Reuse.IDLE);
            assertThat(get.isReused()).as("a retryable request still reuses it").isTrue();
            get.release(true);
        }
    }

    @Test
    void aYoungIdleConnectionServesAnUnretryableRequest() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.awaitClientClose()));
             var watchdog = new Watchdog();
             var pool = new ConnectionPool(new SocketConnector(() -> null, true, watchdog, new BufferPool()),
                     4, 4, WAIT.toNanos(), Long.MAX_VALUE)) {
            Origin origin = Origin.of(server.uri("/"));
            acquire(pool, origin, Reuse.IDLE).release(true);

            Lease post = acquire(pool, origin, Reuse.IDLE_CHECKED);

            assertThat(post.isReused()).isTrue();
            server.awaitConnections(1, WAIT);
            assertThat(server.connectionCount()).isEqualTo(1);
            post.release(true);
        }
    }
}
