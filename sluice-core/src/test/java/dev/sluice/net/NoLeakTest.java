package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.HttpStatusException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Thousands of exchanges that include failures (500s, truncated bodies, bodies closed unread,
 * {@code Connection: close}) leave no connection, pool slot or file descriptor behind.
 */
class NoLeakTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int REQUESTS = 10_000;
    private static final int CONCURRENCY = 8;
    /** Descriptors the JVM may open meanwhile for its own reasons (class loading, JIT logs). */
    private static final int FD_SLACK = 16;

    private enum Outcome { OK, STATUS_500, TRUNCATED, CLOSED_UNREAD, CONNECTION_CLOSE }

    private static Outcome outcomeOf(int index) {
        return switch (index % 10) {
            case 0 -> Outcome.STATUS_500;
            case 1 -> Outcome.TRUNCATED;
            case 2 -> Outcome.CLOSED_UNREAD;
            case 3 -> Outcome.CONNECTION_CLOSE;
            default -> Outcome.OK;
        };
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void tenThousandMixedExchangesLeakNothing() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            int i = Integer.parseInt(req.target().substring(1));
            switch (outcomeOf(i)) {
                case OK -> r.send(Responses.ok("ok " + i));
                case STATUS_500 -> r.send(Responses.status(500, "broken " + i));
                case TRUNCATED -> r.send(Responses.head(200, "Content-Length: 100") + "only ten..").close();
                case CLOSED_UNREAD -> r.send(Responses.head(200, "Content-Length: 300000")).sendPattern(300_000);
                case CONNECTION_CLOSE -> r.send(Responses.status(200, "bye " + i, "Connection: close")).close();
            }
        }))) {
            Client client = Client.builder().maxConnections(CONCURRENCY).readTimeout(WAIT).build();
            run(client, server, 0, 200); // warm up: classes loaded, buffers pooled
            long fdsBefore = openFileDescriptors();

            var counts = run(client, server, 200, REQUESTS);

            assertThat(counts.get(Outcome.OK)).isEqualTo(REQUESTS * 6 / 10 - 120);
            assertThat(counts.get(Outcome.STATUS_500)).isEqualTo(REQUESTS / 10 - 20);
            assertThat(counts.get(Outcome.TRUNCATED)).isEqualTo(REQUESTS / 10 - 20);
            assertThat(client.poolState()).contains("leased=0", "waiting=0");
            int idle = Integer.parseInt(client.poolState().replaceAll(".*idle=(\\d+).*", "$1"));
            assertThat(idle).isLessThanOrEqualTo(CONCURRENCY);
            assertThat(server.openConnections()).isLessThanOrEqualTo(server.connectionCount());
            assertThat(openFileDescriptors() - fdsBefore).as("descriptors while idle connections are pooled")
                    .isLessThanOrEqualTo(2L * CONCURRENCY + FD_SLACK);

            client.close();
            server.awaitOpenConnections(0, WAIT);
            assertThat(openFileDescriptors() - fdsBefore).as("descriptors after closing the client")
                    .isLessThanOrEqualTo(FD_SLACK);
        }
    }

    private static ConcurrentHashMap<Outcome, Integer> run(Client client, ScriptedServer server, int from, int to)
            throws Exception {
        var counts = new ConcurrentHashMap<Outcome, Integer>();
        AtomicInteger next = new AtomicInteger(from);
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < CONCURRENCY; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < to) {
                        Outcome expected = outcomeOf(i);
                        counts.merge(exchange(client, server, i, expected), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(WAIT.toSeconds() * 4, TimeUnit.SECONDS);
            }
        }
        return counts;
    }

    private static Outcome exchange(Client client, ScriptedServer server, int i, Outcome expected) throws IOException {
        try (Response r = client.send(Request.get(server.uri("/" + i)))) {
            switch (expected) {
                case OK, CONNECTION_CLOSE -> assertThat(r.body().text()).endsWith(" " + i);
                case STATUS_500 -> {
                    try {
                        r.raiseForStatus();
                        throw new AssertionError("a 500 passed raiseForStatus");
                    } catch (HttpStatusException e) {
                        assertThat(e.status()).isEqualTo(500);
                    }
                }
                case TRUNCATED -> {
                    try {
                        r.body().bytes();
                        throw new AssertionError("a truncated body was read as a success");
                    } catch (ProtocolViolationException e) {
                        // expected
                    }
                }
                case CLOSED_UNREAD -> assertThat(r.status()).isEqualTo(200);
            }
        }
        return expected;
    }
}
