package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Client;
import dev.sluice.ConnectTimeoutException;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The total and per-host connection limits, counted at the server, for sync and async callers. */
class ConnectionLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A server whose responses send their head and half the body, then stall until {@code gate} opens. */
    private static ScriptedServer stalling(String gate) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 10") + "01234").stallUntil(gate).send("56789")));
    }

    @Test
    void tenConcurrentRequestsNeverOpenMoreThanThePerHostLimit() throws Exception {
        CountDownLatch threeHeads = new CountDownLatch(3);
        try (var server = stalling("go");
             Client client = Client.builder().maxConnectionsPerHost(3).readTimeout(WAIT).poolTimeout(WAIT).build();
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String path = "/" + i;
                results.add(pool.submit(() -> {
                    try (Response r = client.send(Request.get(server.uri(path)))) {
                        threeHeads.countDown();
                        return r.body().text();
                    }
                }));
            }
            assertThat(threeHeads.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(server.connectionCount()).isEqualTo(3);
            assertThat(client.poolState()).contains("leased=3");
            server.release("go");
            for (Future<String> f : results) {
                assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("0123456789");
            }
            assertThat(server.awaitRequests(10, WAIT)).hasSize(10);
            assertThat(server.connectionCount()).as("waiters reuse the released connections").isEqualTo(3);
            assertThat(client.poolState()).contains("leased=0", "idle=3", "waiting=0");
        }
    }

    @Test
    void theTotalLimitHoldsAcrossOrigins() throws IOException {
        try (var first = stalling("first");
             var second = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("second"))));
             Client client = Client.builder().maxConnections(2).poolTimeout(Duration.ofMillis(300)).build()) {
            Response a = client.send(Request.get(first.uri("/a")));
            Response b = client.send(Request.get(first.uri("/b")));
            assertThatThrownBy(() -> client.send(Request.get(second.uri("/c")))).isInstanceOf(ConnectTimeoutException.class);
            assertThat(second.connectionCount()).isZero();
            first.release("first");
            assertThat(a.body().text()).isEqualTo("0123456789");
            a.close();
            // An idle connection to another origin gives way to a waiter at the total limit.
            try (Response c = client.send(Request.get(second.uri("/c")))) {
                assertThat(c.body().text()).isEqualTo("second");
            }
            b.close();
            assertThat(first.connectionCount() + second.connectionCount()).isEqualTo(3);
        }
    }

    @Test
    void thePerHostLimitCountsEveryPortOfAHostButNotAnotherHostName() throws IOException {
        try (var first = stalling("first");
             var second = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("second"))));
             Client client = Client.builder().maxConnectionsPerHost(1).poolTimeout(Duration.ofMillis(300)).build()) {
            try (Response held = client.send(Request.get(first.uri("/held")))) {
                assertThatThrownBy(() -> client.send(Request.get(second.uri("/same-host"))))
                        .isInstanceOf(ConnectTimeoutException.class);
                try (Response other = client.send(Request.get("http://localhost:" + second.port() + "/other-name"))) {
                    assertThat(other.body().text()).isEqualTo("second");
                }
                first.release("first");
                assertThat(held.body().text()).isEqualTo("0123456789");
            }
        }
    }

    @Test
    void syncAndAsyncCallersShareTheLimits() throws Exception {
        try (var server = stalling("go");
             Client client = Client.builder().maxConnections(2).poolTimeout(Duration.ofMillis(300)).build()) {
            Response sync = client.send(Request.get(server.uri("/sync")));
            Response async = client.sendAsync(Request.get(server.uri("/async"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            var third = client.sendAsync(Request.get(server.uri("/third")));
            assertThatThrownBy(() -> third.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ConnectTimeoutException.class);
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/fourth")))).isInstanceOf(ConnectTimeoutException.class);
            assertThat(server.connectionCount()).isEqualTo(2);
            server.release("go");
            assertThat(sync.body().text()).isEqualTo("0123456789");
            assertThat(async.body().async().text().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("0123456789");
            sync.close();
            async.close();
            assertThat(client.poolState()).contains("leased=0", "idle=2", "waiting=0");
        }
    }

    @Test
    void aWaiterGetsTheConnectionAReleasedResponseFrees() throws Exception {
        try (var server = stalling("go");
             Client client = Client.builder().maxConnections(1).poolTimeout(WAIT).build()) {
            Response first = client.send(Request.get(server.uri("/1")));
            var second = client.sendAsync(Request.get(server.uri("/2")));
            assertThatThrownBy(() -> second.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            server.release("go");
            assertThat(first.body().text()).isEqualTo("0123456789");
            try (Response r = second.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(r.body().text()).isEqualTo("0123456789");
            }
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }
}
