package dev.sluice.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The body of an exchange as it came off the wire (framing removed, content codings kept), as
 * an {@link InputStream}. Reads copy out of the connection's buffer; {@link #nextView()} hands
 * the buffer's bytes out without a copy for callers that can take a {@link ByteBuffer}.
 */
public final class ExchangeInputStream extends InputStream {
    private final Exchange exchange;
    private ByteBuffer view;
    private boolean eof;
    private boolean closed;

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
        if (closed) {
            throw new IOException("body stream closed");
        }
        while (!eof) {
            view = exchange.readBody();
            if (view == null) {
                eof = true;
                return false;
            }
            if (view.hasRemaining()) {
                return true;
            }
        }
        return false;
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

    /** Ends the exchange: drains a small remainder to keep the connection, else closes it. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            view = null;
            exchange.close();
        }
    }
}
