package dev.sluice.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLProtocolException;
import javax.net.ssl.SSLSocket;

/**
 * One open socket to an origin, plain or TLS, with its read buffer and its deadline guard.
 *
 * <p>Plain connections read a {@link SocketChannel} into a direct buffer: that is the path
 * without copies (a heap array read copies through a temporary direct buffer inside the JDK).
 * TLS connections read the {@link SSLSocket}'s stream into a heap buffer, since decryption
 * produces bytes in a heap array anyway. Both block; on a virtual thread a blocked read parks
 * and frees its carrier.
 *
 * <p>Not thread-safe: one exchange at a time owns a connection (through a {@link Lease}),
 * except {@link #abort()}, {@link #close()} and {@link #abandonBuffer()}, which any thread
 * may call.
 */
public final class Connection {
    /** The longest a close waits to send its TLS close_notify. */
    private static final long CLOSE_NOTIFY_NANOS = 1_000_000_000L;
    /** How often {@link #awaitInput} looks on a plain socket. */
    private static final long READABLE_POLL_NANOS = 5_000_000L;
    /**
     * The most one write or sendfile call hands a plain socket, so that {@link #bytesSent()}
     * moves while a large request body goes out (a call per MiB costs nothing measurable).
     */
    private static final int WRITE_SLICE = 1 << 20;
    /**
     * The most written under one silence deadline: a blocking write of more may take longer
     * than the read timeout on a slow link while bytes move all along. At 64 KiB a link must
     * fall below 2.2 kB/s to fail a read timeout of 30 s, and below 33 kB/s for one of 2 s;
     * smaller slices would only add calls (a TLS record is 16 KiB, the copy buffer 64 KiB).
     */
    public static final int PROGRESS_SLICE = 64 << 10;

    private final Origin origin;
    private final SocketChannel channel;
    private final SSLSocket tls;
    private final InputStream tlsIn;
    private final OutputStream tlsOut;
    /** The socket's own stream, under TLS too: its {@code available()} counts bytes not yet read. */
    private final InputStream rawIn;
    private final Guard guard;
    private final BufferPool buffers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long id;
    private ByteBuffer buffer;
    /** The buffer size {@link #resizeBuffer} last failed to get for want of memory; 0 when none. */
    private int refusedSize;
    /** Set when another thread closes this connection while its buffer may be in use. */
    private volatile boolean bufferAbandoned;
    long idleSinceNanos;
    /** How long TCP connect and the TLS handshake took, for timings. */
    long connectNanos;
    long tlsNanos;
    private volatile java.util.function.Consumer<Connection> idleExpiry;
    /** Bytes written to a plain socket so far; only the owner writes it. */
    private volatile long bytesSent;
    /** Whether the owner is in a write to the plain socket, perhaps blocked there. */
    private volatile boolean writing;

    Connection(long id, Origin origin, SocketChannel channel, SSLSocket tls, Watchdog watchdog,
               BufferPool buffers) throws IOException {
        this.id = id;
        this.origin = origin;
        this.channel = channel;
        this.tls = tls;
        this.tlsIn = tls == null ? null : tls.getInputStream();
        this.tlsOut = tls == null ? null : tls.getOutputStream();
        this.rawIn = channel.socket().getInputStream();
        this.buffers = buffers;
        this.guard = watchdog.newGuard(this::onGuardFired);
        this.buffer = buffers.take(BufferPool.SMALL, tls == null).flip();
    }

    void onIdleExpired(java.util.function.Consumer<Connection> hook) {
        idleExpiry = hook;
    }

    private void onGuardFired() {
        var hook = idleExpiry;
        if (guard.fired() == Deadline.IDLE && hook != null) {
            hook.accept(this); // the pool closes it if it is still idle
        } else {
            abort();
        }
    }

    public long id() {
        return id;
    }

    public Origin origin() {
        return origin;
    }

    public boolean isTls() {
        return tls != null;
    }

    public Guard guard() {
        return guard;
    }

    /** Nanoseconds the TCP connect took (name resolution included). */
    public long connectNanos() {
        return connectNanos;
    }

    /** Nanoseconds the TLS handshake took; 0 for plain connections. */
    public long tlsNanos() {
        return tlsNanos;
    }

    /**
     * The read buffer, in read mode: its position..limit are bytes received and not yet
     * consumed. Between exchanges it is empty.
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Replaces the read buffer with one of {@code size} bytes, keeping unconsumed bytes; used
     * to grow for a long head or a bulk body. When no memory is left for it, the current
     * buffer stays (a full one then fails the next {@link #fill}).
     */
    public ByteBuffer resizeBuffer(int size) {
        ByteBuffer bigger;
        try {
            bigger = buffers.take(size, tls == null);
        } catch (OutOfMemoryError e) {
            // Direct memory is short (many streams at once): carry on with the buffer we have.
            refusedSize = size;
            return buffer;
        }
        refusedSize = 0;
        bigger.put(buffer).flip();
        buffers.give(buffer);
        buffer = bigger;
        return bigger;
    }

    /**
     * Reads more bytes into the buffer after the unconsumed ones, blocking until at least one
     * arrives, the peer closes (returns -1) or {@code deadlineNanos} passes.
     *
     * @throws ReadBufferFullException when the buffer is full of unconsumed bytes (one line
     *                                 longer than the buffer, which could not grow): a read
     *                                 could only return 0, again and again
     */
    public int fill(long deadlineNanos, Deadline kind) throws IOException {
        ByteBuffer b = bufferForAppend();
        if (!b.hasRemaining()) {
            b.flip();
            throw bufferFull(b.limit());
        }
        guard.arm(deadlineNanos, kind);
        try {
            return tls == null ? channel.read(b) : readTls(b);
        } catch (IOException e) {
            throw translate(e);
        } finally {
            guard.disarm();
            b.flip();
        }
    }

    private ReadBufferFullException bufferFull(int bytes) {
        return new ReadBufferFullException(refusedSize > 0
                ? "cannot buffer a line of the response longer than " + bytes + " bytes: no direct memory left for a "
                        + refusedSize + "-byte read buffer (see -XX:MaxDirectMemorySize)"
                : "cannot buffer a line of the response longer than " + bytes + " bytes, the largest read buffer");
    }

    /** The buffer ready to take more bytes after its unconsumed ones (flip it after the read). */
    private ByteBuffer bufferForAppend() {
        ByteBuffer b = buffer;
        if (b.position() > 0 || b.limit() == b.capacity()) {
            b.compact();
        } else {
            // Nothing consumed yet: keep the bytes where they are and append after them.
            b.position(b.limit()).limit(b.capacity());
        }
        return b;
    }

    /** The server closed a TLS connection without a close_notify: what came before may be cut short. */
    public static final class UnnotifiedCloseException extends SSLProtocolException {
        private static final long serialVersionUID = 1L;

        UnnotifiedCloseException() {
            super("the server closed the connection without a TLS close_notify, so what it sent may have been cut short");
        }
    }

    /**
     * One read of the TLS socket into the (heap) buffer {@code b}, as a channel read would; -1
     * only after the server's close_notify. A TCP close without one fails with
     * {@link SSLProtocolException}: whatever came before may be cut short by anyone on the path,
     * and a body delimited by the close is complete only after a close_notify (RFC 9112 §9.8).
     *
     * <p>The JDK reports such a close as -1, like a close_notify, unless the JVM-wide
     * {@code com.sun.net.ssl.requireCloseNotify} is set (it then throws an
     * {@link SSLProtocolException} itself, in its own words). It tells them apart in one way:
     * it shuts the socket's input down on a bare TCP end of stream, not on a close_notify
     * (read in OpenJDK 25's {@code SSLSocketImpl.handleEOF}; TlsCloseNotifyTest pins it both
     * ways, over TLS 1.3 and 1.2, so a JDK that changes it fails there, not in the field).
     */
    private int readTls(ByteBuffer b) throws IOException {
        int n = tlsIn.read(b.array(), b.arrayOffset() + b.position(), b.remaining());
        if (n > 0) {
            b.position(b.position() + n);
        } else if (n < 0 && tls.isInputShutdown()) {
            throw new UnnotifiedCloseException();
        }
        return n;
    }

    /**
     * One non-blocking read of the socket into {@code b}: true when bytes came, the peer closed
     * or the read failed (a blocking read then says so), false when nothing is there yet.
     */
    private boolean readNonBlocking(ByteBuffer b) {
        try {
            channel.configureBlocking(false);
            try {
                return channel.read(b) != 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            return true;
        }
    }

    /** Writes all of {@code src}, failing when no progress is made before {@code deadlineNanos}. */
    public void write(ByteBuffer src, long deadlineNanos, Deadline kind) throws IOException {
        guard.arm(deadlineNanos, kind);
        try {
            if (tls == null) {
                writing = true;
                try {
                    while (src.hasRemaining()) {
                        int limit = src.limit();
                        src.limit(Math.min(limit, src.position() + WRITE_SLICE));
                        try {
                            bytesSent += channel.write(src);
                        } finally {
                            src.limit(limit);
                        }
                    }
                } finally {
                    writing = false;
                }
            } else if (src.hasArray()) {
                tlsOut.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
                src.position(src.limit());
                tlsOut.flush();
            } else {
                byte[] copy = new byte[src.remaining()];
                src.get(copy);
                tlsOut.write(copy);
                tlsOut.flush();
            }
        } catch (IOException e) {
            throw translate(e);
        } finally {
            guard.disarm();
        }
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code position}; plain connections let
     * the kernel copy (sendfile), TLS connections stream through a buffer. Each chunk renews
     * the silence deadline.
     */
    public void writeFile(FileChannel file, long position, long count, long silenceNanos, long totalDeadlineNanos)
            throws IOException {
        long end = position + count;
        ByteBuffer chunk = tls == null ? null : ByteBuffer.allocate(64 * 1024);
        while (position < end) {
            long deadline = Math.min(System.nanoTime() + silenceNanos, totalDeadlineNanos);
            Deadline kind = deadline == totalDeadlineNanos ? Deadline.TOTAL : Deadline.READ;
            if (tls == null) {
                guard.arm(deadline, kind);
                writing = true;
                try {
                    long n = file.transferTo(position, Math.min(end - position, PROGRESS_SLICE), channel);
                    if (n <= 0) {
                        throw new BodyFileException("request body file ended early at byte " + position, null);
                    }
                    position += n;
                    bytesSent += n;
                } catch (IOException e) {
                    throw translate(e);
                } finally {
                    writing = false;
                    guard.disarm();
                }
            } else {
                chunk.clear().limit((int) Math.min(chunk.capacity(), end - position));
                int n;
                try {
                    n = file.read(chunk, position);
                } catch (IOException e) {
                    throw new BodyFileException("cannot read request body file: " + e.getMessage(), e);
                }
                if (n <= 0) {
                    throw new BodyFileException("request body file ended early at byte " + position, null);
                }
                position += n;
                write(chunk.flip(), deadline, kind);
            }
        }
    }

    private IOException translate(IOException e) {
        Deadline fired = guard.fired();
        if (fired != null && fired != Deadline.IDLE) {
            var timeout = new DeadlineExceededException(fired, DeadlineExceededException.Stage.EXCHANGE, fired.name().toLowerCase() + " deadline passed");
            timeout.initCause(e);
            return timeout;
        }
        return e;
    }

    /**
     * Whether an idle connection still looks usable: open, and the peer has sent nothing since
     * the last response (a stray response, a body after a 204, a 408 before closing, a TLS
     * close_notify); with {@code probeForClose}, also that it has not closed the connection.
     * Any record counts as stray on TLS, a late session ticket too: dropping a good connection
     * costs a handshake, taking a stray response for the next one costs correctness.
     *
     * <p>Bytes waiting are seen by one {@code FIONREAD} ({@code available()}): about 0.4 µs
     * here. A close (a FIN, no bytes) takes a non-blocking read, about 1.5 µs on a platform
     * thread (switching the blocking mode costs four {@code fcntl}s): worth it only where a
     * dead connection cannot be survived by a retry, or is likely. On TLS a byte read there
     * would be lost to the TLS layer, but then the connection is not used again anyway.
     */
    public boolean isHealthy(boolean probeForClose) {
        if (closed.get()) {
            return false;
        }
        try {
            if (tls != null && (tls.isClosed() || tlsIn.available() > 0)) {
                return false;
            }
            if (rawIn.available() > 0) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        if (!probeForClose) {
            return true;
        }
        ByteBuffer b = tls == null ? buffer.clear() : ByteBuffer.allocate(1);
        boolean stale = readNonBlocking(b);
        b.flip();
        return !stale;
    }

    /**
     * Waits for the server's next bytes until {@code untilNanos}: true when some can be read
     * (or the peer closed: the next read says so), false when the time passed first, the
     * connection unharmed. A read with a deadline ({@link #fill}) closes the connection when
     * its deadline passes; here the time running out is an answer, not a failure. On a plain
     * socket it tries a non-blocking read every few milliseconds; on TLS, whose
     * records (a session ticket, say) need not be application data, it reads with a socket
     * timeout, which leaves the TLS socket usable.
     */
    public boolean awaitInput(long untilNanos) throws IOException, InterruptedException {
        if (tls == null) {
            while (true) {
                ByteBuffer b = bufferForAppend();
                boolean input = readNonBlocking(b);
                b.flip();
                if (input) {
                    return true;
                }
                long left = untilNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                Thread.sleep(java.time.Duration.ofNanos(Math.min(left, READABLE_POLL_NANOS)));
            }
        }
        if (tlsIn.available() > 0) {
            return true;
        }
        long left = untilNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        ByteBuffer b = bufferForAppend();
        tls.setSoTimeout((int) Math.max(1, left / 1_000_000));
        try {
            readTls(b);
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } finally {
            b.flip();
            try {
                tls.setSoTimeout(0);
            } catch (java.net.SocketException closed) {
                // The socket is closed (the JDK closes it after a fatal TLS alert): what the read
                // returned or threw stands, and nothing reads here again.
            }
        }
    }

    /**
     * The bytes written to this plain connection so far; another thread may read it (the
     * watch over an upload, which sees from it whether the server still takes the body).
     */
    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Whether the owner is in a write to this plain connection (blocked there, perhaps); another
     * thread may ask. Time spent elsewhere, such as reading the caller's body stream, is not.
     */
    public boolean isWriting() {
        return writing;
    }

    /**
     * Whether the server has begun a final answer: after any complete interim (1xx) heads, a
     * status line whose code is not 1xx, or bytes that are no status line at all (the reading
     * that follows says what is wrong). What the socket holds is read first, without waiting,
     * into the buffer after the bytes not consumed yet, where the owner's reading finds it.
     *
     * <p>For the watch over an upload on a plain connection, while the owner writes the body: a
     * write does not touch the read buffer, and a read of what {@code FIONREAD} counts neither
     * waits nor contends with the write's lock. The owner reads only once the watch has ended
     * (it joins the watch's thread, which orders these writes before its reads).
     */
    public boolean hasFinalAnswerWaiting() {
        try {
            if (rawIn.available() > 0) {
                ByteBuffer b = bufferForAppend();
                try {
                    if (b.hasRemaining()) {
                        channel.read(b);
                    }
                } finally {
                    b.flip();
                }
            }
        } catch (IOException e) {
            return true; // the owner's read says what happened
        }
        return startsFinalAnswer(buffer);
    }

    /** Whether {@code b}'s unread bytes hold the start of a final response after complete 1xx heads; see above. */
    static boolean startsFinalAnswer(ByteBuffer b) {
        int p = b.position();
        int end = b.limit();
        while (end - p >= 12) { // "HTTP/1.1 NNN"
            if (b.get(p + 9) != '1') {
                return true;
            }
            int next = afterHead(b, p, end);
            if (next < 0) {
                return false; // an interim head not yet whole
            }
            p = next;
        }
        return false;
    }

    /** The offset after the blank line that ends the head at {@code from}, or -1 when not there yet. */
    private static int afterHead(ByteBuffer b, int from, int end) {
        for (int i = from; i < end - 1; i++) {
            if (b.get(i) == '\n') {
                if (b.get(i + 1) == '\n') {
                    return i + 2;
                }
                if (b.get(i + 1) == '\r' && i + 2 < end && b.get(i + 2) == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /**
     * Ends this side's sending with a FIN while the server's bytes can still be read: a write
     * blocked in another thread fails at once. For a plain connection that will not be used
     * again; the owner closes it as usual.
     */
    public void stopSending() {
        try {
            channel.shutdownOutput();
        } catch (IOException | RuntimeException ignored) {
            // Closed already: the blocked write has failed anyway.
        }
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Closes the socket, on TLS after a close_notify; safe from any thread, any number of times.
     * For the thread that owns the connection, or one closing it while idle: a close_notify
     * that cannot go out within {@link #CLOSE_NOTIFY_NANOS} is given up.
     */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (tls != null) {
                guard.arm(System.nanoTime() + CLOSE_NOTIFY_NANOS, Deadline.READ);
                tls.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // Closing the channel below is what matters.
        } finally {
            closeChannel();
        }
    }

    /**
     * Closes the socket at once, with no close_notify: for a close from another thread than the
     * one using the connection, or by the watchdog, while that thread may be blocked in a TLS
     * write, whose lock a TLS close would wait for. Closed, the channel fails that write.
     */
    public void abort() {
        closed.set(true);
        try {
            // A reset: the peer learns at once, and the kernel drops what is still unsent.
            channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException ignored) {
            // Already closed, or the option is refused: a plain close then.
        }
        closeChannel();
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing more can be done with a socket that will not close.
        }
        guard.disarm();
    }

    /**
     * Keeps the buffer out of the pool for good: for a close from a thread other than the one
     * reading, which may still be touching the buffer (or handing out views of it).
     */
    public void abandonBuffer() {
        bufferAbandoned = true;
    }

    /**
     * Returns the buffer to the pool; called by the owner after {@link #close()} once no read
     * can be running, and never for an abandoned buffer.
     */
    void recycleBuffer() {
        ByteBuffer b = buffer;
        if (b != null && closed.get() && !bufferAbandoned) {
            buffer = null;
            buffers.give(b);
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + origin + (closed.get() ? " closed" : "") + "]";
    }
}
