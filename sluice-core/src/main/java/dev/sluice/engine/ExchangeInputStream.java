package dev.sluice.engine;

import dev.sluice.codec.BodyFraming;
import dev.sluice.codec.DecoderEvent;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The body of an exchange as it came off the wire (framing removed, content codings kept), as
 * an {@link InputStream}. Reads copy out of the connection's buffer; {@link #nextView()} hands
 * the buffer's bytes out without a copy for callers that can take a {@link ByteBuffer}.
 *
 * <p>Theory of operation: one thread reads at a time, but {@link #close()} may come from any
 * thread. The state says what the stream awaits: the next read ({@code IDLE}), the end of the
 * one running ({@code READING}), nothing more ({@code CLOSED}, {@code FAILED}). A close claims
 * the state first and decides after. One that finds the stream idle drains on its own thread
 * when that thread read last, or, before any read, sent the request (the synchronous API). One
 * that finds it idle before any read, from any other thread (a response of the asynchronous
 * API closed by its caller), never blocks: a rest already received is discarded at once, any
 * other is drained on a virtual thread. Any other close, during a read or while another thread
 * reads, closes the connection at once, and the reader, woken by the close, fails with a
 * {@link BodyClosedException}, unless its read had already met the end of the body (a read,
 * or {@link #endIfComplete()}, that ended the body succeeds, and the close finds the exchange
 * ended). So a drain never runs beside a read, and a buffer whose views another thread may
 * hold is never recycled. A failed read is final: the next one throws the
 * same exception.
 *
 * <p>A leaked exchange (its response dropped neither closed nor read to the end) would hold
 * its pool slot for ever. This stream is what every form of the body reads through, and what
 * the response reaches its exchange by, so when it becomes unreachable while the exchange is
 * open nobody can end the exchange any more: a {@link Cleaner} then closes the connection
 * (its state is unknown, so it is not reused), frees the slot and logs a warning naming the
 * URL, as OkHttp does. The response itself is not what is watched, since a body is commonly
 * read after the response was dropped ({@code client.send(request).body().stream()}).
 */
public final class ExchangeInputStream extends InputStream {
    private enum State { IDLE, READING, CLOSED, FAILED }

    private static final System.Logger LOG = System.getLogger(ExchangeInputStream.class.getName());
    /** One daemon thread for the whole library, which runs only when a leak is collected. */
    private static final Cleaner LEAKS = Cleaner.create();

    private final Exchange exchange;
    /** Ends a leaked exchange; null when the exchange had ended before the body was made. */
    private final Cleaner.Cleanable leak;
    private final AtomicReference<State> state = new AtomicReference<>(State.IDLE);
    /** The thread of the last read; weak, since a thread object keeps its task (a subscriber) reachable. */
    private volatile WeakReference<Thread> reader;
    /** The thread that made this stream: the one that sent the request and read the head. */
    private final WeakReference<Thread> creator = new WeakReference<>(Thread.currentThread());
    private ByteBuffer view;
    private boolean eof;
    /** Written before the state becomes FAILED. */
    private volatile IOException failure;

    public ExchangeInputStream(Exchange exchange) {
        this.exchange = exchange;
        // A body empty by its framing (HEAD, 204, 304) has ended already: nothing can leak.
        this.leak = exchange.isFinished() ? null : LEAKS.register(this, new Leak(exchange));
    }

    /**
     * What the {@link Cleaner} runs: it holds the exchange, never the stream (which would then
     * stay reachable for ever).
     */
    private record Leak(Exchange exchange) implements Runnable {
        @Override
        public void run() {
            // Nobody else can end the exchange now: what is open here is leaked. Said before
            // the slot is freed, so whoever gets the slot next finds the warning logged.
            if (!exchange.isFinished()) {
                LOG.log(System.Logger.Level.WARNING, "A connection to " + exchange.uri() + " was leaked and has"
                        + " been closed: its response was neither closed nor read to the end. Close every"
                        + " response, with try-with-resources.");
                exchange.cancel(); // on the cleaner's thread: no blocking I/O (no TLS close_notify)
            }
        }
    }

    /** The next bytes as a view valid until the next call on this stream, or null at the end. */
    public ByteBuffer nextView() throws IOException {
        if ((view == null || !view.hasRemaining()) && !advance()) {
            return null;
        }
        ByteBuffer v = view;
        view = null;
        return v;
    }

    private boolean advance() throws IOException {
        if (eof) {
            return false;
        }
        if (!state.compareAndSet(State.IDLE, State.READING)) {
            State now = state.get();
            if (now == State.FAILED) {
                throw failure;
            }
            if (now == State.READING) {
                throw new IllegalStateException("the body of " + exchange.uri() + " is being read by another thread");
            }
            // After a close that drained the body to its end nothing was cut short: say only closed.
            throw new BodyClosedException(exchange.uri(), exchange.isBodyDone());
        }
        becomeReader();
        try {
            if (exchange.isFinished() && !exchange.isBodyDone()) {
                throw exchange.endedEarly(); // cancelled through the exchange itself, or timed out
            }
            while (true) {
                view = exchange.readBody();
                if (view == null) {
                    eof = true;
                    return false;
                }
                if (view.hasRemaining()) {
                    return true;
                }
            }
        } catch (IOException e) {
            IOException thrown = e;
            if (state.get() == State.CLOSED) {
                // Closed by another thread while this one read: say so, not "connection reset".
                thrown = new BodyClosedException(exchange.uri());
                thrown.addSuppressed(e);
            }
            failure = thrown;
            state.compareAndSet(State.READING, State.FAILED);
            throw thrown;
        } finally {
            state.compareAndSet(State.READING, State.IDLE);
        }
    }

    @Override
    public int read() throws IOException {
        if ((view == null || !view.hasRemaining()) && !advance()) {
            return -1;
        }
        return view.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if ((view == null || !view.hasRemaining()) && !advance()) {
            return -1;
        }
        int n = Math.min(len, view.remaining());
        view.get(b, off, n);
        return n;
    }

    /**
     * Names the thread that will read, before it starts: a close from any other thread, even
     * before the first read, then closes at once instead of draining beside it.
     */
    public void assignReader(Thread thread) {
        reader = new WeakReference<>(thread);
    }

    /** Whether the calling thread did the last read (or is to do the first), or no thread is named yet. */
    public boolean isReadByCurrentThread() {
        WeakReference<Thread> last = reader;
        return last == null || last.get() == Thread.currentThread();
    }

    /** Whether {@link #close()} has been called, from any thread. */
    public boolean isClosed() {
        return state.get() == State.CLOSED;
    }

    @Override
    public int available() {
        return view == null ? 0 : view.remaining();
    }

    /**
     * Whether the body has ended, ending it here when all of a body of declared length has
     * come and none of it waits in a view: then no read is needed. Loops over the body ask this
     * before each read and stop when it says yes, rather than read until the end comes back:
     * the JIT compiles the read path while no body has ended, and an end met inside that
     * compiled code makes it drop the code, for every body still being read, and compile it
     * again (when many bodies of one size end together, 2,000 slow streams in sluice-bench,
     * that cost about 0.1 CPU-seconds more).
     *
     * <p>It claims the stream as a read does, so a close from another thread either comes
     * after the body has ended or makes this say no, and the read that follows fails as it
     * would have; an exchange cancelled or timed out before is left to that read too. It
     * names the calling thread the reader, as a read does: a publisher's items may come from
     * several threads in turn, and the one that finds the end also closes the stream.
     */
    public boolean endIfComplete() {
        if ((view != null && view.hasRemaining()) || state.get() != State.IDLE) {
            return false;
        }
        DecoderEvent.ResponseHead head = exchange.head();
        boolean complete = eof || exchange.isBodyDone() || (!exchange.isFinished() && head != null
                && head.framing() instanceof BodyFraming.FixedLength f && exchange.bodyBytesReceived() >= f.length());
        if (!complete || !state.compareAndSet(State.IDLE, State.READING)) {
            return false;
        }
        try {
            becomeReader();
            if (!eof && exchange.isFinished() && !exchange.isBodyDone()) {
                return false;
            }
            eof = eof || exchange.endIfAllReceived();
            return eof;
        } finally {
            state.compareAndSet(State.READING, State.IDLE);
        }
    }

    /** Names the calling thread the reader (a new reference only when it changes: reads are hot). */
    private void becomeReader() {
        Thread me = Thread.currentThread();
        WeakReference<Thread> last = reader;
        if (last == null || last.get() != me) {
            reader = new WeakReference<>(me);
        }
    }

    /**
     * Whether all the rest of the body is in the connection's buffer already (a declared length
     * only), so that draining it reads nothing from the socket.
     */
    private boolean isRestReceived() {
        DecoderEvent.ResponseHead head = exchange.head();
        return head != null && head.framing() instanceof BodyFraming.FixedLength f
                && f.length() - exchange.bodyBytesReceived() <= exchange.connection().buffer().remaining();
    }

    /**
     * Ends the exchange: drains a small remainder to keep the connection, else closes it. See
     * the class comment for which thread drains: from a thread that neither sent the request
     * nor read, this never blocks.
     */
    @Override
    public void close() {
        State before = state.getAndSet(State.CLOSED);
        if (before == State.CLOSED) {
            return;
        }
        boolean drainingElsewhere = false;
        try {
            WeakReference<Thread> last = reader;
            if (before != State.IDLE) {
                exchange.cancel();
            } else if (last != null) {
                if (last.get() == Thread.currentThread()) {
                    view = null;
                    exchange.close();
                } else {
                    exchange.cancel();
                }
            } else if (exchange.isFinished() || creator.get() == Thread.currentThread() || isRestReceived()) {
                exchange.close();
            } else {
                // Nobody has read, and this is not the thread that sent the request: its caller
                // (an asynchronous one, typically) must not wait for the rest to come.
                drainingElsewhere = true;
                Thread.ofVirtual().name("sluice-body-drain").start(this::drainAndForget);
            }
        } finally {
            if (!drainingElsewhere) {
                forgetLeak();
            }
        }
    }

    /**
     * Drains (or closes) on the drain's own thread; the stream stays reachable until then, so
     * no leak is reported meanwhile.
     */
    private void drainAndForget() {
        try {
            exchange.close();
        } finally {
            forgetLeak();
        }
    }

    private void forgetLeak() {
        if (leak != null) {
            // The exchange has ended: this runs the leak's action, which finds nothing to
            // do, and drops it. Reached after the close, it also keeps this stream
            // reachable until then, so no leak is reported during a drain.
            leak.clean();
        }
    }
}
