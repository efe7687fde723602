package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.FullBacklog;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sendAsync} and the future forms of {@link AsyncBody}: they complete with the head or
 * the body, fail with the same types as the synchronous API, and cancelling closes the
 * connection.
 */
class AsyncSendTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void theFutureCompletesWithTheHeadWhileTheBodyIsStillOnTheWire() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 10", "X-Head: here") + "01234").stallUntil("rest").send("56789")))) {
            Response r = client.sendAsync(Request.get(server.uri("/a"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            try (r) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers().first("X-Head")).contains("here");
                CompletableFuture<String> text = r.body().async().text();
                assertThat(text).isNotDone();
                server.release("rest");
                assertThat(text.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("0123456789");
            }
        }
    }

    @Test
    void failuresCompleteTheFutureWithTheSameTypes() throws Exception {
        int refusedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            refusedPort = socket.getLocalPort();
        }
        assertThat(client.sendAsync(Request.get("http://127.0.0.1:" + refusedPort + "/")))
                .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(ConnectFailedException.class);
        try (var garbage = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send("NOT HTTP\r\n\r\n").close()));
             var silent = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().awaitClientClose()));
             Client quick = Client.builder().readTimeout(Duration.ofMillis(300)).build()) {
            assertThat(client.sendAsync(Request.get(garbage.uri("/g"))))
                    .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ProtocolViolationException.class);
            assertThat(quick.sendAsync(Request.get(silent.uri("/s"))))
                    .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ReadTimeoutException.class);
        }
    }

    @Test
    void raiseForStatusAsyncFailsTyped() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(404, "gone"))))) {
            assertThat(client.sendAsync(Request.get(server.uri("/x"))).thenCompose(Response::raiseForStatusAsync))
                    .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(HttpStatusException.class);
        }
    }

    @Test
    void cancellingTheFutureWhileWaitingForTheHeadClosesTheConnection() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().awaitClientClose())
                .onEveryConnection(c -> c.serveRequests())
                .onEveryRequest((req, r) -> r.send(Responses.ok("after"))));
             Client one = Client.builder().maxConnections(1).poolTimeout(WAIT).build()) {
            CompletableFuture<Response> pending = one.sendAsync(Request.get(server.uri("/slow")));
            server.awaitRequests(1, WAIT);
            assertThat(pending.cancel(true)).isTrue();
            server.awaitClientClose(0, WAIT);
            // The pool slot was freed: with one connection allowed, the next request gets through.
            try (Response r = one.send(Request.get(server.uri("/next")))) {
                assertThat(r.body().text()).isEqualTo("after");
            }
        }
    }

    @Test
    void cancellingTheFutureWhileTheRequestBodyStreamIgnoresInterruptsClosesTheConnection() throws Exception {
        // The worker sits in the caller's stream, which an interrupt does not wake (System.in
        // behaves so): the cancel itself must close the connection and free the slot.
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        InputStream deaf = new InputStream() {
            @Override
            public int read() {
                return read(new byte[1], 0, 1);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                reading.countDown();
                while (true) {
                    try {
                        end.await();
                        return -1;
                    } catch (InterruptedException ignored) {
                        // deaf to interrupts
                    }
                }
            }
        };
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequestHead().awaitClientClose())
                .onEveryConnection(c -> c.serveRequests())
                .onEveryRequest((req, r) -> r.send(Responses.ok("after"))));
             Client one = Client.builder().maxConnections(1).poolTimeout(WAIT).build()) {
            CompletableFuture<Response> pending = one.sendAsync(Request.newBuilder(server.uri("/upload"))
                    .method("POST", RequestBody.ofInputStream(deaf, OptionalLong.of(1000))).build());
            assertThat(reading.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(pending.cancel(true)).isTrue();
            server.awaitClientClose(0, WAIT);
            assertThat(one.poolState()).contains("leased=0");
            try (Response r = one.send(Request.get(server.uri("/next")))) {
                assertThat(r.body().text()).isEqualTo("after");
            }
        } finally {
            end.countDown();
        }
    }

    @Test
    void cancellingABodyFutureClosesTheConnection() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000000") + "part").awaitClientClose()))) {
            Response r = client.sendAsync(Request.get(server.uri("/body"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            CompletableFuture<byte[]> bytes = r.body().async().bytes();
            assertThat(bytes.cancel(true)).isTrue();
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
            r.close();
        }
    }

    @Test
    void theTotalTimeoutHoldsOnTheAsyncPath() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).throttle(200).sendPattern(100000)));
             Client timed = Client.builder().readTimeout(WAIT).totalTimeout(Duration.ofMillis(700)).build()) {
            CompletableFuture<Void> f = timed.sendAsync(Request.get(server.uri("/drip")))
                    .thenCompose(r -> r.body().async().forEach(b -> { }));
            assertThat(f).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(TotalTimeoutException.class);
            server.awaitClientClose(0, WAIT);
            assertThat(timed.poolState()).contains("leased=0");
        }
    }

    @Test
    void aConnectThatHangsIsAConnectTimeoutOnTheAsyncPath() throws Exception {
        try (FullBacklog backlog = new FullBacklog();
             Client timed = Client.builder().connectTimeout(Duration.ofMillis(300)).build()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(backlog.isFull(),
                    "this kernel refuses instead of ignoring a connect to a full queue");
            assertThat(timed.sendAsync(Request.get(backlog.uri("/hang")))).failsWithin(WAIT)
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ConnectTimeoutException.class)
                    .withMessageContaining("/hang");
            assertThat(timed.poolState()).contains("leased=0", "waiting=0");
        }
    }

    @Test
    void waitingTooLongForAPoolSlotIsAConnectTimeoutOnTheAsyncPath() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 10") + "01234").stallUntil("rest").send("56789")));
             Client limited = Client.builder().maxConnections(1).poolTimeout(Duration.ofMillis(300)).build();
             Response held = limited.send(Request.get(server.uri("/held")))) {
            assertThat(limited.sendAsync(Request.get(server.uri("/second")))).failsWithin(WAIT)
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ConnectTimeoutException.class)
                    .withMessageContaining("/second");
            server.release("rest");
            assertThat(held.body().text()).isEqualTo("0123456789");
        }
    }

    @Test
    void cancellingAnAsyncSendThatWaitsForAPoolSlotGivesUpItsPlace() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))));
             Client limited = Client.builder().maxConnections(1).poolTimeout(WAIT).build()) {
            Response held = limited.send(Request.get(server.uri("/held")));
            CompletableFuture<Response> waiting = limited.sendAsync(Request.get(server.uri("/cancelled")));
            assertThat(waiting.cancel(true)).isTrue();
            held.close(); // the slot comes back; a waiter that stayed queued would take it and never give it back
            try (Response next = limited.send(Request.get(server.uri("/next")))) {
                assertThat(next.body().text()).isEqualTo("/next");
            }
            assertThat(server.requests()).extracting(RecordedRequest::target).doesNotContain("/cancelled");
            assertThat(limited.poolState()).contains("leased=0", "waiting=0");
        }
    }

    @Test
    void forEachSeesEveryByteInOrder() throws Exception {
        long size = 3L << 20;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + size)).sendPattern(size)))) {
            var verifier = new PatternBytes.Verifier(0);
            CompletableFuture<Void> done = client.sendAsync(Request.get(server.uri("/each")))
                    .thenCompose(r -> r.body().async().forEach(verifier::update));
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(verifier.position()).isEqualTo(size);
        }
    }

    @Test
    void transferToPathCompletesWithTheCountAndTheFile() throws Exception {
        long size = 2L << 20;
        Path target = dir.resolve("async.bin");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + size)).sendPattern(size)))) {
            long n = client.sendAsync(Request.get(server.uri("/file")))
                    .thenCompose(r -> r.body().async().transferTo(target))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(n).isEqualTo(size);
            try (var in = Files.newInputStream(target)) {
                assertThat(PatternBytes.verify(in, 0)).isEqualTo(size);
            }
        }
    }

    @Test
    void aTruncatedTransferToPathFailsTypedAndLeavesNothing() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(5000).close()))) {
            assertThat(client.sendAsync(Request.get(server.uri("/cut")))
                    .thenCompose(r -> r.body().async().transferTo(dir.resolve("cut.bin"))))
                    .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ProtocolViolationException.class);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void bytesAndTextFuturesFailTypedOnATruncatedBody() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Transfer-Encoding: chunked") + "4\r\nabcd\r\n").close()))) {
            assertThat(client.sendAsync(Request.get(server.uri("/1"))).thenCompose(r -> r.body().async().bytes()))
                    .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ProtocolViolationException.class);
            assertThat(client.sendAsync(Request.get(server.uri("/2"))).thenCompose(r -> r.body().async().text()))
                    .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ProtocolViolationException.class);
            assertThat(client.sendAsync(Request.get(server.uri("/3")))
                    .thenCompose(r -> r.body().async().forEach(b -> { })))
                    .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ProtocolViolationException.class);
        }
    }

    @Test
    void manyConcurrentAsyncRequestsShareTheLimitedPool() throws Exception {
        AtomicLong total = new AtomicLong();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))));
             Client limited = Client.builder().maxConnectionsPerHost(4).poolTimeout(WAIT).build()) {
            CompletableFuture<?>[] all = new CompletableFuture<?>[200];
            for (int i = 0; i < all.length; i++) {
                all[i] = limited.sendAsync(Request.get(server.uri("/" + i)))
                        .thenCompose(r -> r.body().async().bytes())
                        .thenAccept(b -> total.addAndGet(b.length));
            }
            CompletableFuture.allOf(all).get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
            assertThat(server.connectionCount()).isLessThanOrEqualTo(4);
            assertThat(total.get()).isEqualTo(java.util.stream.IntStream.range(0, 200).map(i -> ("/" + i).length()).sum());
            assertThat(limited.poolState()).contains("leased=0", "waiting=0");
        }
    }

    @Test
    void anAsyncBodyIsReadOnceLikeASyncOne() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("once"))));
             Response r = client.send(Request.get(server.uri("/once")))) {
            AsyncBody async = r.body().async();
            assertThat(async.text().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("once");
            // A second form fails at once, on the caller's thread, as the synchronous forms do.
            org.assertj.core.api.Assertions.assertThatThrownBy(async::bytes).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already read");
        }
    }
}
