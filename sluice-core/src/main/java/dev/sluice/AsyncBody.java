package dev.sluice;

import dev.sluice.engine.BodyPublisher;
import dev.sluice.engine.ExchangeInputStream;
import dev.sluice.engine.ItemSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A response body read without blocking the caller: as a {@link Flow.Publisher} that reads
 * only while there is demand (backpressure), or through futures. Each exchange runs on a
 * virtual thread; cancelling a subscription or a future it returns closes the connection at
 * once (a future derived from one, with {@code thenCompose} say, passes no cancel back: cancel
 * the one this class returned, or close the response).
 *
 * <pre>{@code
 * client.sendAsync(Request.get(url))
 *       .thenCompose(Response::raiseForStatusAsync)
 *       .thenCompose(r -> r.body().async().transferTo(Path.of("out.bin")))
 *       .thenAccept(n -> System.out.println(n + " bytes"));
 * }</pre>
 *
 * <p>The publishers are {@code java.util.concurrent.Flow} publishers, so they adapt to other
 * reactive libraries with their own bridges: Reactor's {@code JdkFlowAdapter.flowPublisherToFlux(p)},
 * RxJava 3's {@code Flowable.fromPublisher(FlowAdapters.toPublisher(p))} (reactive-streams'
 * {@code org.reactivestreams.FlowAdapters}), and Kotlin coroutines' {@code p.asFlow()}
 * ({@code import kotlinx.coroutines.jdk9.asFlow}, artifact {@code kotlinx-coroutines-jdk9}).
 * Two things to know when adapting:
 * <ul>
 * <li>A publisher is single-use, as the body is: Reactor's or RxJava's {@code retry()} and
 *     {@code repeat()}, or collecting a Kotlin flow twice, subscribe again and get
 *     {@code IllegalStateException}, not a new download. To try again, send the request again.
 * <li>Backpressure is what the adapter requests. Operators that prefetch ({@code publishOn},
 *     {@code flatMap}, {@code observeOn}: 256 or 128 items by default; a Kotlin flow's buffer: 64)
 *     make the publisher read that many items ahead, each as large as one read for
 *     {@link #publisher()} (up to 1 MiB once a body proves big).
 *     Bound it with {@code limitRate(n)}, a smaller prefetch or {@code buffer(n)}, or with
 *     fixed-size {@link #chunks(int)}.
 * </ul>
 *
 * <pre>{@code
 * Flux<ByteBuffer> body = JdkFlowAdapter.flowPublisherToFlux(r.body().async().publisher())
 *         .limitRate(4); // at most 4 items read ahead
 * }</pre>
 *
 * <p>{@code onNext} runs on the body's virtual thread, never on the caller's.
 *
 * <p>Items are owned by the subscriber: each is a fresh buffer it may keep. One subscriber per
 * publisher; a second one gets {@code onError(IllegalStateException)}. A body is read once, in
 * one form: asking for a second form (another publisher, future or synchronous read) throws
 * {@code IllegalStateException} at once, on the caller's thread. Errors reach {@code onError}
 * (and futures complete exceptionally) with the same {@link SluiceException} types as the
 * synchronous API.
 */
public final class AsyncBody {
    private static final int ITEM_BUFFER = 64 * 1024;
    private final Body body;

    AsyncBody(Body body) {
        this.body = body;
    }

    /** The body as it arrives (aiohttp's {@code iter_any}): each item is what one read returned. */
    public Flow.Publisher<ByteBuffer> publisher() {
        InputStream in = body.takeStream();
        ExchangeInputStream raw = body.rawIfUndecoded();
        return new BodyPublisher<>(new Source<>(in, raw) {
            @Override
            public ByteBuffer next() throws IOException {
                if (raw != null) {
                    ByteBuffer view = raw.nextView();
                    if (view == null) {
                        return null;
                    }
                    ByteBuffer copy = ByteBuffer.allocate(view.remaining());
                    return copy.put(view).flip();
                }
                byte[] b = new byte[ITEM_BUFFER];
                int n = in.read(b);
                return n < 0 ? null : ByteBuffer.wrap(b, 0, n);
            }

        }, body.exchange());
    }

    /**
     * The body in blocks of exactly {@code size} bytes, the last one shorter (aiohttp's
     * {@code iter_chunked}). Memory is sized as for {@link Body#chunks(int)}: a block takes what
     * arrives, up to {@code size} or the body's declared length (a size above the largest Java
     * array gives blocks of that largest size), and each block is read straight into its own
     * array. An item's array may be longer than the block it holds; read it from its position to
     * its limit.
     */
    public Flow.Publisher<ByteBuffer> chunks(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1: " + size);
        }
        InputStream in = body.takeStream();
        Body.BlockReader blocks = body.blockReader(in, size, true);
        return new BodyPublisher<>(new Source<>(in, body.rawIfUndecoded()) {
            @Override
            public ByteBuffer next() throws IOException {
                return blocks.next();
            }

        }, body.exchange());
    }

    /**
     * The body as lines of text in its charset, as {@link Body#lines()}: a byte-order mark at
     * its start chooses the charset and is dropped; a line ends at LF, CRLF or a lone CR, not
     * included; one longer than {@link Body#DEFAULT_MAX_LINE_CHARS} ends the stream with
     * {@code onError(IllegalStateException)}.
     */
    public Flow.Publisher<String> lines() {
        return lines(Body.DEFAULT_MAX_LINE_CHARS);
    }

    /** {@link #lines()} with another cap on the length of a line, in characters. */
    public Flow.Publisher<String> lines(int maxLineChars) {
        LineSplitter.requireValidMax(maxLineChars);
        InputStream in = body.takeStream();
        LineSplitter lines = body.lineSplitter(in, maxLineChars);
        return new BodyPublisher<>(new Source<>(in) {
            @Override
            public String next() throws IOException {
                return lines.next();
            }
        }, body.exchange());
    }

    /**
     * Calls {@code action} with each piece of the body on a virtual thread; the buffer is a
     * view valid during the call. Completes when the body has ended; when the action throws,
     * the connection is closed and the future completes with that exception (with the cause of
     * an {@link java.io.UncheckedIOException}).
     */
    public CompletableFuture<Void> forEach(Consumer<ByteBuffer> action) {
        Objects.requireNonNull(action, "action");
        return run(() -> {
            body.forEachView(action);
            return null;
        });
    }

    /** Streams the body to {@code file} atomically, as {@link Body#transferTo(Path)}; completes with the byte count. */
    public CompletableFuture<Long> transferTo(Path file) {
        return run(() -> body.transferTo(file));
    }

    /** The whole body, at most {@link Body#DEFAULT_MAX_BYTES}. */
    public CompletableFuture<byte[]> bytes() {
        return run(body::bytes);
    }

    /**
     * The whole body, at most {@code maxBytes}, as {@link Body#bytes(long)}: a larger body fails
     * the future with an {@link IllegalStateException} rather than filling the heap (a body of
     * declared length at once, before any of it is read).
     *
     * <pre>{@code
     * client.sendAsync(Request.get(url))
     *       .thenCompose(r -> r.body().async().bytes(256L << 20)) // up to 256 MiB
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code maxBytes} is negative (nothing is taken)
     */
    public CompletableFuture<byte[]> bytes(long maxBytes) {
        Body.requireValidMax(maxBytes);
        return run(() -> body.bytes(maxBytes));
    }

    /**
     * The whole body as text in its charset, at most {@link Body#DEFAULT_MAX_BYTES}, as
     * {@link Body#text()}: a byte-order mark at its start chooses the charset and is dropped.
     */
    public CompletableFuture<String> text() {
        return run(body::text);
    }

    /**
     * The whole body as text in its charset (or the one its byte-order mark chooses), at most
     * {@code maxBytes} before decoding, as {@link Body#text(long)}: a larger body fails the
     * future with an {@link IllegalStateException}.
     *
     * @throws IllegalArgumentException when {@code maxBytes} is negative (nothing is taken)
     */
    public CompletableFuture<String> text(long maxBytes) {
        Body.requireValidMax(maxBytes);
        return run(() -> body.text(maxBytes));
    }

    /** A synchronous form of the body, which {@link #run} runs on a virtual thread. */
    private interface Work<T> {
        T call() throws Exception;
    }

    /**
     * Runs {@code work} (a synchronous form of the body) on a virtual thread. The body is taken
     * here, so a second read fails at once on the caller's thread and never disturbs the first.
     */
    private <T> CompletableFuture<T> run(Work<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("sluice-body").unstarted(() -> {
            try {
                future.complete(work.call());
            } catch (Throwable t) {
                // The work may have stopped mid-body (an action that threw, say): the
                // connection must not stay leased. A no-op once the body was read whole. A
                // cancel, not an abort: another thread may be closing (draining) the body.
                body.cancel();
                future.completeExceptionally(t instanceof java.io.UncheckedIOException u ? u.getCause() : t);
            }
        });
        body.reserveFor(worker);
        future.whenComplete((v, e) -> {
            if (future.isCancelled()) {
                body.cancel();
            }
        });
        worker.start();
        return future;
    }

    /**
     * Ends the exchange through the stream it reads; knows the end without a read when its
     * items are the raw bytes of the body ({@code raw} not null: no content coding, no lines).
     */
    private abstract class Source<T> implements ItemSource<T> {
        private final InputStream in;
        private final ExchangeInputStream raw;

        Source(InputStream in) {
            this(in, null);
        }

        Source(InputStream in, ExchangeInputStream raw) {
            this.in = in;
            this.raw = raw;
        }

        @Override
        public boolean hasEnded() {
            return raw != null && raw.endIfComplete();
        }

        @Override
        public void abort() {
            body.cancel();
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                body.cancel();
            }
        }
    }
}
