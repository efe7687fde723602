package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The body as a {@link Flow.Publisher}: it reads only on demand (the server is held back by
 * TCP flow control), cancelling closes the connection and frees the pool slot, one subscriber
 * only, and errors reach {@code onError} typed.
 */
class AsyncBodyPublisherTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long GIB = 1L << 30;
    /** Socket buffers on both sides plus one read ahead stay well under this. */
    private static final long BACKPRESSURE_BOUND = 16L << 20;

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** Serves one connection: a head for 1 GiB, then pattern bytes as fast as the client takes them, counted. */
    private static final class CountingServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicLong sent = new AtomicLong();
        final CompletableFuture<Void> clientGone = new CompletableFuture<>();

        CountingServer() throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(this::serve);
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/gib");
        }

        private void serve() {
            try (Socket s = socket.accept()) {
                InputStream in = s.getInputStream();
                int matched = 0;
                int b;
                while (matched < 4 && (b = in.read()) >= 0) {
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                OutputStream out = s.getOutputStream();
                out.write(Responses.head(200, "Content-Length: " + GIB).getBytes(StandardCharsets.ISO_8859_1));
                byte[] block = new byte[64 * 1024];
                for (long offset = 0; offset < GIB; offset += block.length) {
                    PatternBytes.fill(block, 0, block.length, offset);
                    out.write(block);
                    sent.addAndGet(block.length);
                }
            } catch (IOException e) {
                clientGone.complete(null);
            }
        }

        /**
         * Waits until the count stops growing for a while (the server is blocked by flow control)
         * or passes {@code bound}; returns the count. Quiescence can only be observed over time.
         */
        long settledCount(long bound) throws InterruptedException {
            long last = -1;
            long stableSince = System.nanoTime();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                long now = sent.get();
                if (now > bound) {
                    return now;
                }
                if (now != last) {
                    last = now;
                    stableSince = System.nanoTime();
                } else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(300)) {
                    return now;
                }
                Thread.sleep(10); // sampling a counter, not synchronising with an event
            }
            return sent.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aSubscriberThatRequestsOneItemHoldsTheServerBack() throws Exception {
        try (var server = new CountingServer()) {
            Response r = client.send(Request.get(server.uri()));
            var subscriber = new RecordingSubscriber<ByteBuffer>(1);
            r.body().async().publisher().subscribe(subscriber);
            ByteBuffer first = subscriber.next();
            assertThat(first.remaining()).isPositive();
            new PatternBytes.Verifier(0).update(first);
            long sent = server.settledCount(BACKPRESSURE_BOUND);
            assertThat(sent).as("bytes the server could send while the subscriber stalled").isLessThan(BACKPRESSURE_BOUND);
            assertThat(subscriber.all).hasSize(1);
            subscriber.subscription().cancel();
            server.clientGone.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    @Test
    void requestingMoreResumesTheFlowInOrder() throws Exception {
        long size = 8L << 20;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + size)).sendPattern(size)))) {
            Response r = client.send(Request.get(server.uri("/p")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(2);
            r.body().async().publisher().subscribe(subscriber);
            var verifier = new PatternBytes.Verifier(0);
            verifier.update(subscriber.next());
            verifier.update(subscriber.next());
            subscriber.subscription().request(Long.MAX_VALUE);
            subscriber.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            subscriber.items.forEach(verifier::update);
            assertThat(verifier.position()).isEqualTo(size);
            assertThat(client.poolState()).contains("leased=0", "idle=1");
        }
    }

    @Test
    void cancellingTheSubscriptionClosesTheConnectionAndFreesThePoolSlot() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: " + GIB)).sendPattern(GIB)))) {
            Response r = client.send(Request.get(server.uri("/gib")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(1);
            r.body().async().publisher().subscribe(subscriber);
            subscriber.next();
            subscriber.subscription().cancel();
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0", "idle=0");
            assertThat(subscriber.done).isNotDone();
        }
    }

    @Test
    void cancellingBeforeAnyRequestClosesTheConnection() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(100_000).awaitClientClose()))) {
            Response r = client.send(Request.get(server.uri("/x")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(0);
            r.body().async().publisher().subscribe(subscriber);
            subscriber.subscription().cancel();
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void aSecondSubscriberGetsOnErrorIllegalState() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("single"))));
             Response r = client.send(Request.get(server.uri("/one")))) {
            Flow.Publisher<ByteBuffer> publisher = r.body().async().publisher();
            var first = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            var second = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            publisher.subscribe(first);
            publisher.subscribe(second);
            assertThat(second.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(IllegalStateException.class);
            first.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(StandardCharsets.US_ASCII.decode(first.all.getFirst()).toString()).isEqualTo("single");
        }
    }

    @Test
    void anErrorMidBodyReachesOnErrorTyped() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(30_000).close()))) {
            Response r = client.send(Request.get(server.uri("/cut")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            r.body().async().publisher().subscribe(subscriber);
            assertThat(subscriber.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ProtocolViolationException.class);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void aReadTimeoutMidBodyReachesOnErrorTyped() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(10).awaitClientClose()));
             Client quick = Client.builder().readTimeout(Duration.ofMillis(300)).build()) {
            Response r = quick.send(Request.get(server.uri("/stall")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            r.body().async().chunks(1000).subscribe(subscriber);
            assertThat(subscriber.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ReadTimeoutException.class);
        }
    }

    @Test
    void aCorruptGzipBodyReachesOnErrorTyped() throws Exception {
        byte[] gz = Gzip.of(TruncatedAndGarbledResponseTest.text(100_000));
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + cut.length)).send(cut)
                .awaitClientClose()))) {
            Response r = client.send(Request.get(server.uri("/gz")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            r.body().async().publisher().subscribe(subscriber);
            assertThat(subscriber.done).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ProtocolViolationException.class);
        }
    }

    @Test
    void chunksPublisherGivesExactBlocks() throws Exception {
        long size = (3L << 20) + 77;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + size)).sendPattern(size)))) {
            Response r = client.send(Request.get(server.uri("/c")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            r.body().async().chunks(65_536).subscribe(subscriber);
            subscriber.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            var verifier = new PatternBytes.Verifier(0);
            for (int i = 0; i < subscriber.all.size(); i++) {
                ByteBuffer b = subscriber.all.get(i);
                assertThat(b.remaining()).isEqualTo(i < subscriber.all.size() - 1 ? 65_536 : 77);
                verifier.update(b);
            }
            assertThat(verifier.position()).isEqualTo(size);
        }
    }

    @Test
    void linesPublisherSplitsAtCrlfAndLfInTheBodyCharset() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200,
                "caf\u00e9\r\nsecond\nthird", "Content-Type: text/plain; charset=iso-8859-1"))))) {
            Response r = client.send(Request.get(server.uri("/l")));
            var subscriber = new RecordingSubscriber<String>(1);
            r.body().async().lines().subscribe(subscriber);
            assertThat(subscriber.next()).isEqualTo("caf\u00e9");
            subscriber.subscription().request(10);
            subscriber.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(subscriber.all).containsExactly("caf\u00e9", "second", "third");
            assertThat(client.poolState()).contains("leased=0", "idle=1");
        }
    }

    @Test
    void itemsAreOwnedBySubscriberAndNotOverwrittenByLaterReads() throws Exception {
        long size = 1L << 20;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + size)).sendPattern(size)))) {
            Response r = client.send(Request.get(server.uri("/own")));
            var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            r.body().async().publisher().subscribe(subscriber);
            subscriber.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            var verifier = new PatternBytes.Verifier(0);
            subscriber.all.forEach(b -> verifier.update(b.duplicate()));
            assertThat(verifier.position()).isEqualTo(size);
        }
    }

    @Test
    void onNextIsNeverSignalledWhileOnSubscribeIsStillRunning() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("serial"))))) {
            Response r = client.send(Request.get(server.uri("/serial")));
            AtomicBoolean inOnSubscribe = new AtomicBoolean();
            AtomicBoolean overlapped = new AtomicBoolean();
            CountDownLatch onNextCalled = new CountDownLatch(1);
            CompletableFuture<Void> done = new CompletableFuture<>();
            r.body().async().publisher().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    inOnSubscribe.set(true);
                    s.request(Long.MAX_VALUE);
                    try {
                        // Give a wrongly concurrent onNext the chance to show itself (Reactive Streams §1.3).
                        onNextCalled.await(500, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inOnSubscribe.set(false);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    if (inOnSubscribe.get()) {
                        overlapped.set(true);
                    }
                    onNextCalled.countDown();
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    done.complete(null);
                }
            });
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(overlapped).as("onNext ran while onSubscribe had not returned").isFalse();
        }
    }
}
