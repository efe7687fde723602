package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.ExchangeInputStream;
import dev.sluice.engine.Subscribers;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A response dropped without being closed or read to its end gives its connection back (closed,
 * with a warning) once the garbage collector finds it; a body still being read through a
 * stream, a publisher or a future keeps its connection although its response was collected.
 */
class LeakedResponseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Collections tried before giving up; each is followed by a short wait for a connection. */
    private static final int COLLECTIONS = 100;
    private static final int HALF = 100_000;

    private LogCapture warnings;
    private ScriptedServer server;
    private Client client;

    @BeforeEach
    void start() throws Exception {
        warnings = new LogCapture(ExchangeInputStream.class.getName());
        server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().startsWith("/slow")) {
                r.send(Responses.head(200, "Content-Length: " + 2 * HALF)).sendPattern(0, HALF)
                        .stallUntil("rest").sendPattern(HALF, HALF);
            } else {
                r.send(Responses.ok("hello " + req.target()));
            }
        }));
        // One connection per host: a leaked one would stop every later request.
        client = Client.builder().maxConnectionsPerHost(1).poolTimeout(Duration.ofMillis(100)).readTimeout(WAIT).build();
    }

    @AfterEach
    void stop() {
        warnings.close();
        client.close();
        server.close();
    }

    /** Sends and drops the response unclosed, its body unread, in a frame of its own. */
    private void sendAndForget(String path) throws IOException {
        int status = client.send(Request.get(server.uri(path))).status();
        assertThat(status).isEqualTo(200);
    }

    @Test
    void aResponseDroppedUnclosedFreesItsConnectionOnceCollectedAndSaysSo() throws Exception {
        sendAndForget("/leaked");
        assertThat(client.poolState()).contains("leased=1");

        try (Response r = sendOnceCollected(client)) {
            assertThat(r.body().text()).isEqualTo("hello /second");
        }
        server.awaitClientClose(0, WAIT); // closed, not reused: its state was unknown
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(warnings.text().split("was leaked", -1)).as(warnings.text()).hasSize(2);
        assertThat(warnings.text()).contains("WARNING", "A connection to " + server.uri("/leaked") + " was leaked");
    }

    @Test
    void aSubscriptionItsSubscriberDroppedIsFoundLeakedEvenWithATotalTimeout() throws Exception {
        // The total deadline's guard keeps the exchange reachable for an hour: that must not keep
        // the body reachable too.
        try (Client timed = Client.builder().maxConnectionsPerHost(1).poolTimeout(Duration.ofMillis(100))
                .readTimeout(WAIT).totalTimeout(Duration.ofHours(1)).build()) {
            subscribeAndDrop(timed);
            try (Response r = sendOnceCollected(timed)) {
                assertThat(r.body().text()).isEqualTo("hello /second");
            }
            assertThat(warnings.text()).contains("A connection to " + server.uri("/dropped") + " was leaked");
        }
    }

    @Test
    void aSubscriberDroppedAfterItsItemWithoutCancellingIsFoundLeaked() throws Exception {
        // It requested one item and got it: with no demand the reading thread must not keep the
        // subscription (nor the body behind it) reachable, or the slot is never freed.
        CompletableFuture<Void> delivered = new CompletableFuture<>();
        subscribeTakeOneAndDrop(delivered);
        assertThat(delivered).succeedsWithin(WAIT);
        try (Response r = sendOnceCollected(client)) {
            assertThat(r.body().text()).isEqualTo("hello /second");
        }
        assertThat(warnings.text()).contains("A connection to " + server.uri("/slow") + " was leaked");
        server.release("rest");
    }

    /** Subscribes to a body, requests one item and keeps neither the subscriber nor its subscription. */
    private void subscribeTakeOneAndDrop(CompletableFuture<Void> delivered) throws Exception {
        Response r = client.sendAsync(Request.get(server.uri("/slow"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        r.body().async().publisher().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
                delivered.complete(null);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
    }

    /**
     * GET /second on {@code c}, collecting garbage until the slot a leak holds is free (each
     * try waits the pool timeout for it).
     */
    private Response sendOnceCollected(Client c) throws IOException {
        for (int i = 0; i < COLLECTIONS; i++) {
            System.gc();
            try {
                return c.send(Request.get(server.uri("/second")));
            } catch (ConnectTimeoutException stillLeased) {
                // The collector has not found the leak yet: collect again.
            }
        }
        throw new AssertionError("the leaked connection was not freed after " + COLLECTIONS + " collections");
    }

    /** Subscribes to a body and forgets it: the subscriber requests nothing and keeps nothing. */
    private void subscribeAndDrop(Client timed) throws IOException {
        Response r = timed.send(Request.get(server.uri("/dropped")));
        r.body().async().publisher().subscribe(Subscribers.onSubscribeOnly(s -> { }));
    }

    @Test
    void anUnclosedResponseWithContentLengthZeroHasEndedAlreadyAndNeedsNoCollection() throws Exception {
        try (var empty = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")))) {
            // Unclosed, as a HEAD, 204 or 304 may be: its body has ended with its head.
            assertThat(client.send(Request.get(empty.uri("/empty"))).status()).isEqualTo(200);

            try (Response r = client.send(Request.get(empty.uri("/next")))) {
                assertThat(r.body().bytes()).isEmpty();
            }
            assertThat(empty.connectionCount()).as("the connection was reused").isEqualTo(1);
            assertThat(warnings.text()).isEmpty();
        }
    }

    @Test
    void aClosedResponseKeepsItsConnectionForTheNextRequestWhenCollected() throws Exception {
        WeakReference<Response> first = sendAndClose();
        collectUntilCleared(first);
        try (Response r = client.send(Request.get(server.uri("/second")))) {
            assertThat(r.body().text()).isEqualTo("hello /second");
        }
        assertThat(server.connectionCount()).as("the connection was reused").isEqualTo(1);
        assertThat(warnings.text()).isEmpty();
    }

    private WeakReference<Response> sendAndClose() throws IOException {
        Response r = client.send(Request.get(server.uri("/first")));
        r.close();
        return new WeakReference<>(r);
    }

    @Test
    void aStreamReadAfterItsResponseWasCollectedKeepsItsConnection() throws Exception {
        AtomicReference<WeakReference<Response>> response = new AtomicReference<>();
        InputStream in = streamOfDroppedResponse(response);
        collectUntilCleared(response.get());
        server.release("rest");
        try (in) {
            assertThat(PatternBytes.verify(in, 0)).isEqualTo(2 * HALF);
        }
        assertThat(warnings.text()).isEmpty();
        assertThat(client.poolState()).contains("leased=0");
    }

    private InputStream streamOfDroppedResponse(AtomicReference<WeakReference<Response>> ref) throws IOException {
        Response r = client.send(Request.get(server.uri("/slow")));
        ref.set(new WeakReference<>(r));
        return r.body().stream();
    }

    @Test
    void anAsyncBodyReadAfterItsResponseWasCollectedKeepsItsConnection() throws Exception {
        CompletableFuture<WeakReference<Response>> response = new CompletableFuture<>();
        CompletableFuture<byte[]> bytes = client.sendAsync(Request.get(server.uri("/slow"))).thenCompose(r -> {
            response.complete(new WeakReference<>(r));
            return r.body().async().bytes();
        });
        collectUntilCleared(response.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        server.release("rest");
        byte[] all = bytes.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(all).hasSize(2 * HALF);
        PatternBytes.verify(all, 0, all.length, 0);
        assertThat(warnings.text()).isEmpty();
    }

    @Test
    void aPublisherReadAfterItsResponseWasCollectedKeepsItsConnection() throws Exception {
        AtomicReference<WeakReference<Response>> response = new AtomicReference<>();
        Flow.Publisher<ByteBuffer> publisher = client.sendAsync(Request.get(server.uri("/slow"))).thenApply(r -> {
            response.set(new WeakReference<>(r));
            return r.body().async().publisher();
        }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
        publisher.subscribe(subscriber);
        publisher = null; // only the subscription's reading thread holds the body now
        subscriber.next();
        collectUntilCleared(response.get());
        server.release("rest");
        assertThat(subscriber.done).succeedsWithin(WAIT);
        assertThat(subscriber.all.stream().mapToLong(ByteBuffer::remaining).sum()).isEqualTo(2 * HALF);
        assertThat(warnings.text()).isEmpty();
    }

    private static void collectUntilCleared(WeakReference<?> ref) {
        for (int i = 0; i < COLLECTIONS && ref.get() != null; i++) {
            System.gc();
        }
        assertThat(ref.get()).as("the response was collected").isNull();
    }

    /**
     * What java.util.logging prints for one logger (System.Logger's default backend). Reflective:
     * the tests compile inside module dev.sluice, which does not read java.logging.
     */
    private static final class LogCapture implements AutoCloseable {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Class<?> loggerClass;
        private final Class<?> handlerClass;
        /** Held strongly: java.util.logging keeps its loggers only weakly. */
        private final Object logger;
        private final Object handler;

        LogCapture(String name) throws ReflectiveOperationException {
            loggerClass = Class.forName("java.util.logging.Logger");
            handlerClass = Class.forName("java.util.logging.Handler");
            logger = loggerClass.getMethod("getLogger", String.class).invoke(null, name);
            Class<?> formatterClass = Class.forName("java.util.logging.Formatter");
            Object formatter = Class.forName("java.util.logging.SimpleFormatter").getConstructor().newInstance();
            handler = Class.forName("java.util.logging.StreamHandler")
                    .getConstructor(OutputStream.class, formatterClass).newInstance(out, formatter);
            loggerClass.getMethod("addHandler", handlerClass).invoke(logger, handler);
        }

        String text() throws ReflectiveOperationException {
            handlerClass.getMethod("flush").invoke(handler);
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            try {
                loggerClass.getMethod("removeHandler", handlerClass).invoke(logger, handler);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
