package dev.sluice.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The body of an exchange as it came off the wire (framing removed, content codings kept), as
 * an {@link InputStream}. Reads copy out of the connection's buffer; {@link #nextView()} hands
 * the buffer's bytes out without a copy for callers that can take a {@link ByteBuffer}.
 *
 * <p>One thread reads at a time, but {@link #close()} may come from any thread: a thread that
 * did not do the last read (an application closing the response while a virtual thread streams
 * the body) closes the connection at once instead of draining it, and the reader, woken by the
 * close, fails with an {@link IOException} that says the body was closed. A small state
 * machine keeps a close and a read from ever running at once.
 */
public final class ExchangeInputStream extends InputStream {
    private static final int IDLE = 0;
    private static final int READING = 1;
    private static final int CLOSED = 2;

    private final Exchange exchange;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    /**
     * The id of the thread of the last read, or -1; a close from another thread must not drain.
     * An id, not the thread: a thread object keeps its task, and so a subscriber, reachable.
     */
    private volatile long readerId = -1;
    private ByteBuffer view;
    private boolean eof;

    public ExchangeInputStream(Exchange exchange) {
        this.exchange = exchange;
    }

    /** The next bytes as a view valid until the next call on this stream, or null at the end. */
    public ByteBuffer nextView() throws IOException {
        if (view != null && view.hasRemaining()) {
            ByteBuffer v = view;
            view = null;
            return v;
        }
        return advance() ? takeView() : null;
    }

    private ByteBuffer takeView() {
        ByteBuffer v = view;
        view = null;
        return v;
    }

    private boolean advance() throws IOException {
        if (eof) {
            return false;
        }
        if (!state.compareAndSet(IDLE, READING)) {
            throw closed();
        }
        long me = Thread.currentThread().threadId();
        if (readerId != me) {
            readerId = me;
        }
        try {
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
        } catch (IOException | RuntimeException e) {
            if (state.get() == CLOSED) {
                // Closed by another thread while this one read: say so, not "connection reset".
                IOException closed = closed();
                closed.addSuppressed(e);
                throw closed;
            }
            throw e;
        } finally {
            state.compareAndSet(READING, IDLE);
        }
    }

    private IOException closed() {
        return new IOException(exchange.uri() + ": the body was closed before it was read to its end");
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

    @Override
    public int available() {
        return view == null ? 0 : view.remaining();
    }

    /** Whether the body was read to its end. */
    public boolean isComplete() {
        return eof;
    }

    /**
     * Ends the exchange: drains a small remainder to keep the connection, else closes it. From a
     * thread other than the reader's, or during a read, it closes the connection at once.
     */
    @Override
    public void close() {
        long last = readerId;
        if (last == -1 || last == Thread.currentThread().threadId()) {
            if (state.compareAndSet(IDLE, CLOSED)) {
                view = null;
                exchange.close();
                return;
            }
        }
        if (state.getAndSet(CLOSED) != CLOSED) {
            exchange.cancel();
        }
    }
}
