package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.Subscribers;
import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How an asynchronous body ends in the cases between the happy path and a server failure: a
 * cancel after the end, an action or a subscriber that throws, a bad request(n) during a
 * blocked read, and the response closed by another thread while its body streams. Each must
 * give the connection back once, to the pool or closed, and never touch one that is reused.
 */
class AsyncLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Client client;

    @BeforeEach
    void newClient() {
        // A read timeout far beyond WAIT: an error that only a timeout would bring fails the test.
        client = Client.builder().maxConnections(1).readTimeout(Duration.ofSeconds(120)).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static ScriptedServer stallingServer() throws IOException {
        return ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(10).awaitClientClose()));
    }

    @Test
    void aCancelAfterTheEndLeavesTheReusedConnectionAlone() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))))) {
            Response first = client.send(Request.get(server.uri("/first")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            first.body().async().publisher().subscribe(subscriber);
            subscriber.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            try (Response second = client.send(Request.get(server.uri("/second")))) {
                assertThat(server.connectionCount()).isEqualTo(1); // the same connection carries it
                subscriber.subscription().cancel(); // late: Reactive Streams §3.7 makes it a no-op
                first.close();
                assertThat(second.body().text()).isEqualTo("/second");
            }
            assertThat(server.clientClosed(0)).isFalse();
            assertThat(client.poolState()).contains("leased=0", "idle=1");
        }
    }

    @Test
    void aForEachActionThatThrowsClosesTheConnectionAndFailsTheFuture() throws Exception {
        try (var server = stallingServer()) {
            IllegalStateException boom = new IllegalStateException("action failed");
            CompletableFuture<Void> f = client.sendAsync(Request.get(server.uri("/x")))
                    .thenCompose(r -> r.body().async().forEach(b -> {
                        throw boom;
                    }));
            assertThat(f).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingCause().isSameAs(boom);
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
            // The one slot is free: a second request gets a connection.
            try (Response again = client.send(Request.get(server.uri("/y")))) {
                assertThat(again.status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aNonPositiveRequestDuringABlockedReadEndsInOnErrorIllegalArgument() throws Exception {
        try (var server = stallingServer()) {
            Response r = client.send(Request.get(server.uri("/x")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(2);
            r.body().async().publisher().subscribe(subscriber);
            assertThat(subscriber.next().remaining()).isEqualTo(10);
            // The reader is now blocked waiting for more of the body.
            subscriber.subscription().request(0);
            assertThat(subscriber.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(IllegalArgumentException.class)
                    .withMessageContaining("3.9");
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void aSubscriberWhoseOnSubscribeThrowsDoesNotKeepTheConnection() throws Exception {
        try (var server = stallingServer()) {
            Response r = client.send(Request.get(server.uri("/x")));
            RuntimeException boom = new RuntimeException("onSubscribe failed");
            Flow.Subscriber<ByteBuffer> throwing = Subscribers.onSubscribeOnly(subscription -> {
                throw boom;
            });
            r.body().async().publisher().subscribe(throwing); // returns normally (§1.9)
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void closingTheResponseWhileAPublisherReadsClosesAtOnceAndSaysSo() throws Exception {
        try (var server = stallingServer()) {
            Response r = client.send(Request.get(server.uri("/x")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            r.body().async().publisher().subscribe(subscriber);
            subscriber.next(); // the reading thread is now blocked for the rest
            r.close();
            server.awaitClientClose(0, WAIT);
            assertThat(subscriber.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(IOException.class).isNotInstanceOf(SluiceException.class)
                    .withMessageContaining(server.uri("/x").toString())
                    .withMessageContaining("closed before it was read to its end");
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void closingTheResponseFromAnotherThreadWakesABlockedSynchronousRead() throws Exception {
        try (var server = stallingServer()) {
            Response r = client.send(Request.get(server.uri("/x")));
            InputStream in = r.body().stream();
            assertThat(in.readNBytes(10)).hasSize(10);
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.read();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, command -> Thread.ofVirtual().start(command));
            server.awaitRequests(1, WAIT);
            // Whether the close lands before or during the read, the read fails and says why.
            Thread.ofPlatform().start(r::close).join();
            assertThat(blocked).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingRootCause().isInstanceOf(IOException.class).isNotInstanceOf(SluiceException.class)
                    .withMessageContaining("closed before it was read to its end");
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void linesEndAtLfCrlfAndALoneCr() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("a\rb\r\nc\n\nd\r"))))) {
            try (Response r = client.send(Request.get(server.uri("/sync")))) {
                assertThat(r.body().lines().toList()).containsExactly("a", "b", "c", "", "d");
            }
            Response r = client.send(Request.get(server.uri("/async")));
            var subscriber = new RecordingSubscriber<String>(Long.MAX_VALUE);
            r.body().async().lines().subscribe(subscriber);
            subscriber.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(subscriber.all).containsExactly("a", "b", "c", "", "d");
        }
    }

    @Test
    void aLineLongerThanTheCapFailsInsteadOfFillingTheHeap() throws Exception {
        String body = "short\n" + "x".repeat(5000) + "\nafter\n";
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(body))))) {
            try (Response r = client.send(Request.get(server.uri("/sync")));
                 var lines = r.body().lines(4096)) {
                var it = lines.iterator();
                assertThat(it.next()).isEqualTo("short");
                assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("longer than 4096 characters").hasMessageContaining("/sync");
            }
            Response r = client.send(Request.get(server.uri("/async")));
            var subscriber = new RecordingSubscriber<String>(Long.MAX_VALUE);
            r.body().async().lines(4096).subscribe(subscriber);
            assertThat(subscriber.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(IllegalStateException.class);
            assertThat(subscriber.all).containsExactly("short");
            assertThat(client.poolState()).contains("leased=0");
            try (Response exact = client.send(Request.get(server.uri("/exact")))) {
                assertThat(exact.body().lines(5000).toList()).containsExactly("short", "x".repeat(5000), "after");
            }
        }
    }

    @Test
    void anInvalidLineCapTakesNothingFromTheBody() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("one\n"))));
             Response r = client.send(Request.get(server.uri("/l")))) {
            assertThatThrownBy(() -> r.body().lines(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> r.body().async().lines(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(r.body().lines().toList()).containsExactly("one");
        }
    }

    /**
     * A cancel or a close from another thread must not hand the connection's buffer to another
     * connection while this body's reader still holds views of it. Each stopped body waits,
     * after its cancel or close, for the next response head (read by a new connection into a
     * buffer from the pool) and then checks its last view again.
     */
    @Test
    void cancelsAndClosesFromOtherThreadsNeverShowABodyAnotherResponsesBytes() throws Exception {
        int n = 240;
        long size = 256 * 1024;
        long stride = 1_000_003L; // each response is a different stretch of the pattern
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + size))
                .sendPattern(Long.parseLong(req.target().substring(1)) * stride, size)));
             Client limited = Client.builder().maxConnections(8).readTimeout(WAIT).poolTimeout(WAIT).build()) {
            ExecutorService others = Executors.newFixedThreadPool(2);
            AtomicReference<Throwable> corruption = new AtomicReference<>();
            AtomicReference<CompletableFuture<Void>> nextHead = new AtomicReference<>(new CompletableFuture<>());
            AtomicInteger heads = new AtomicInteger();
            Random random = new Random(42);
            List<CompletableFuture<Object>> all = new ArrayList<>();
            AtomicInteger whole = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                // 0: read to the end; 1: cancel the future; 2: close the response.
                int mode = i % 3;
                long offset = i * stride;
                int stopAfter = 1 + random.nextInt(6);
                all.add(limited.sendAsync(Request.get(server.uri("/" + i))).thenCompose(r -> {
                    // The last head completes the signal for good: no stopped body waits for nothing.
                    CompletableFuture<Void> following = heads.incrementAndGet() == n
                            ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
                    nextHead.getAndSet(following).complete(null);
                    var verifier = new PatternBytes.Verifier(offset);
                    var pieces = new AtomicInteger();
                    var future = new CompletableFuture<CompletableFuture<Void>>();
                    CompletableFuture<Void> body = r.body().async().forEach(b -> {
                        long at = verifier.position();
                        ByteBuffer again = b.duplicate();
                        check(corruption, () -> verifier.update(b));
                        if (mode != 0 && pieces.incrementAndGet() == stopAfter) {
                            CompletableFuture<Void> head = nextHead.get();
                            CompletableFuture.runAsync(mode == 1 ? () -> future.join().cancel(true) : r::close, others).join();
                            check(corruption, () -> assertThat(head).succeedsWithin(WAIT));
                            check(corruption, () -> new PatternBytes.Verifier(at).update(again));
                        }
                    });
                    future.complete(body);
                    return body.handle((v, e) -> {
                        if (e == null && verifier.position() == offset + size) {
                            whole.incrementAndGet();
                        }
                        return null;
                    });
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
            others.shutdown();
            assertThat(others.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(corruption.get()).isNull();
            assertThat(whole.get()).isGreaterThanOrEqualTo(n / 3); // every body read to its end, maybe a few more
            assertThat(limited.poolState()).contains("leased=0", "waiting=0");
        }
    }

    @Test
    void aSecondAsyncReadFailsAtOnceAndLeavesTheFirstReaderAlone() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("only once"))));
             Response r = client.send(Request.get(server.uri("/once")))) {
            InputStream first = r.body().stream();
            assertThatThrownBy(() -> r.body().async().bytes()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already read");
            assertThatThrownBy(() -> r.body().async().forEach(b -> { })).isInstanceOf(IllegalStateException.class);
            assertThat(new String(first.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("only once");
        }
    }

    @Test
    void aCompressedBodyClosedFromAnotherThreadSaysClosedNotCorrupt() throws Exception {
        byte[] gz = Gzip.of(TruncatedAndGarbledResponseTest.text(200_000));
        byte[] firstPart = java.util.Arrays.copyOf(gz, gz.length / 3);
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + gz.length)).send(firstPart)
                .awaitClientClose()))) {
            Response r = client.send(Request.get(server.uri("/gz")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            r.body().async().publisher().subscribe(subscriber);
            subscriber.next(); // decoding has begun; the reader is now blocked for the rest
            r.close();
            assertThat(subscriber.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(IOException.class).isNotInstanceOf(SluiceException.class)
                    .withMessageContaining("closed before it was read to its end");
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void aFailedBodyStreamKeepsFailingWithTheSameError() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000") + "short").close()));
             Response r = client.send(Request.get(server.uri("/cut")))) {
            InputStream in = r.body().stream();
            IOException first = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, in::readAllBytes);
            assertThat(first).isInstanceOf(ProtocolViolationException.class);
            assertThatThrownBy(in::read).isSameAs(first);
        }
    }

    @Test
    void afterATooLongLineTheLinesStayFailed() throws Exception {
        String body = "x".repeat(100) + "\nnext\n";
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(body))));
             Response r = client.send(Request.get(server.uri("/long")));
             var lines = r.body().lines(50)) {
            var it = lines.iterator();
            assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("longer than 50 characters").hasMessageContaining("so far)");
            assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("longer than 50 characters");
        }
    }

    @Test
    void closingTheResponseBeforeAFutureFormStartsReadingClosesAtOnce() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 10") + "01234").awaitClientClose()))) {
            Response r = client.send(Request.get(server.uri("/x")));
            CompletableFuture<byte[]> bytes = r.body().async().bytes();
            r.close(); // the worker owns the body now: this close must not drain beside it
            assertThat(bytes).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(IOException.class).isNotInstanceOf(SluiceException.class)
                    .withMessageContaining("closed before it was read to its end");
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void aSubscriberThatThrowsACheckedExceptionFromOnSubscribeDoesNotKeepTheConnection() throws Exception {
        try (var server = stallingServer()) {
            Response r = client.send(Request.get(server.uri("/x")));
            r.body().async().publisher().subscribe(Subscribers.onSubscribeOnly(subscription -> sneakyThrow(new IOException("checked"))));
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t; // how Kotlin, or Lombok's @SneakyThrows, throw a checked exception undeclared
    }

    @Test
    void aBodyThatFailsToDecodeKeepsFailingInsteadOfYieldingRawBytes() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200,
                "not gzip at all, definitely not", "Content-Encoding: gzip"))));
             Response r = client.send(Request.get(server.uri("/fake")))) {
            InputStream in = r.body().stream();
            IOException first = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> in.read(new byte[100]));
            assertThat(first).isInstanceOf(ProtocolViolationException.class).hasMessageContaining("gzip");
            assertThatThrownBy(() -> in.read(new byte[100])).isSameAs(first);
        }
    }

    private static void check(AtomicReference<Throwable> corruption, Runnable verification) {
        try {
            verification.run();
        } catch (AssertionError e) {
            corruption.compareAndSet(null, e);
            throw e;
        }
    }
}
