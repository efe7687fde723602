package dev.sluice.engine;

import dev.sluice.ConnectFailedException;
import dev.sluice.RequestBody;
import dev.sluice.SluiceException;
import dev.sluice.codec.BodyFraming;
import dev.sluice.codec.CodecException;
import dev.sluice.codec.DecoderEvent;
import dev.sluice.codec.Field;
import dev.sluice.codec.FieldLists;
import dev.sluice.codec.Limits;
import dev.sluice.codec.RequestEncoder;
import dev.sluice.codec.ResponseDecoder;
import dev.sluice.codec.ServerText;
import dev.sluice.net.BodyFileException;
import dev.sluice.net.BufferPool;
import dev.sluice.net.Connection;
import dev.sluice.net.ConnectionPool;
import dev.sluice.net.Deadline;
import dev.sluice.net.DeadlineExceededException;
import dev.sluice.net.Guard;
import dev.sluice.net.Lease;
import dev.sluice.net.Origin;
import dev.sluice.net.Reuse;
import dev.sluice.net.Watchdog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request and its response over one leased connection: writes the request, drives the
 * {@link ResponseDecoder} over the connection's buffer, and hands body bytes out as views of
 * that buffer (no copy). It gives the connection back to the pool only when the response ended
 * exactly on its boundary and may persist; otherwise it closes it.
 *
 * <p>Not thread-safe: one thread drives an exchange at a time; {@link #cancel()} may come from
 * any thread. The connection goes back to the pool exactly once, by whichever of the end of
 * the body, an abort or a cancel comes first; the others find it gone and do nothing.
 *
 * <p>The total timeout bounds the whole exchange, not only its blocking reads and writes: a
 * guard of its own, armed once when the connection is leased and dropped when the exchange
 * ends, cancels the exchange when the deadline passes, even while nobody reads (a consumer
 * that stalls). The read that was blocked then, or the next one, fails with
 * {@link dev.sluice.TotalTimeoutException}, and a publisher waiting for demand is told
 * through {@link #onTotalTimeout}. The reads themselves pay nothing for it. A thread sending
 * a body read from the caller's stream may be blocked in that stream, which closing the
 * connection does not wake: the guard interrupts it (see {@link #enterStreamBody}), and a
 * stream that heeds interrupts (a pipe read through a channel) lets it go.
 */
public final class Exchange implements AutoCloseable {
    /** The longest the body of a request with {@code Expect: 100-continue} waits for an answer (curl's 1 s). */
    static final long EXPECT_CONTINUE_WAIT_NANOS = 1_000_000_000L;
    /** Bytes of unread body that {@link #close()} reads to keep the connection. */
    private static final long DRAIN_MAX_BYTES = 64 * 1024;
    /** Body bytes, and rate in bytes/s, from which the read buffer grows to {@link BufferPool#MEDIUM}. */
    private static final long MEDIUM_BUFFER_AFTER_BYTES = 64 * 1024;
    private static final long MEDIUM_BUFFER_MIN_RATE = 8L << 20;
    /** Body bytes, and rate in bytes/s, from which the read buffer grows to {@link BufferPool#LARGE}. */
    private static final long LARGE_BUFFER_AFTER_BYTES = 1L << 20;
    private static final long LARGE_BUFFER_MIN_RATE = 64L << 20;

    private final URI uri;
    private final Lease lease;
    private final Connection conn;
    /** Not final: {@link #close()} shortens them for draining. */
    private Timeouts timeouts;
    private final ResponseDecoder decoder;
    private final Limits limits;
    private final long startNanos;
    private Phase phase = Phase.SENDING;
    private DecoderEvent.ResponseHead head;
    private List<Field> trailers = List.of();
    private boolean receivedAny;
    /** Whether the response came before the request was sent whole: the connection cannot be reused. */
    private boolean requestIncomplete;
    /** Whether the request carried {@code Connection: close}: the connection is not reused after it. */
    private boolean closeRequested;
    /** Whether a final answer came to the head of an {@code Expect: 100-continue} request, its body not sent. */
    private boolean bodyWithheld;
    private boolean bodyDone;
    /** Set by whoever gives the lease back first; the connection is no longer ours after that. */
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Set once that one has given the lease back; see {@link #awaitReleased()}. */
    private volatile boolean released;
    /** Fires at the total deadline; null when there is none. */
    private final Guard totalGuard;
    /** Set (before the connection is closed) when the total deadline ended the exchange. */
    private volatile boolean totalExpired;
    /** Told when the total deadline ends the exchange; see {@link #onTotalTimeout}. */
    private volatile Runnable onTotalTimeout;
    /**
     * Guards {@link #streamBodyThread} and {@link #streamBodyInterrupted}, so that the total
     * deadline interrupts a thread only while it sends a stream body, never later; null when
     * there is no total deadline. Held across no I/O but the interrupt (see
     * {@link #interruptStreamBody}).
     */
    private final ReentrantLock streamBodyLock;
    /** The thread sending a body read from the caller's stream, while it does. */
    private Thread streamBodyThread;
    /** Whether {@link #expire()} interrupted {@link #streamBodyThread}. */
    private boolean streamBodyInterrupted;
    private long firstByteNanos;
    private long headNanos;
    private long endNanos;

    private Exchange(URI uri, Lease lease, Timeouts timeouts, Limits limits, long startNanos, Watchdog watchdog) {
        this.uri = uri;
        this.lease = lease;
        this.conn = lease.connection();
        this.timeouts = timeouts;
        this.limits = limits;
        this.decoder = new ResponseDecoder(limits);
        this.startNanos = startNanos;
        if (timeouts.totalDeadlineNanos() == Long.MAX_VALUE) {
            this.totalGuard = null;
            this.streamBodyLock = null;
        } else {
            this.streamBodyLock = new ReentrantLock(); // before the guard, which may fire at once
            // Once per exchange, not per read: the reads' own deadlines (the connection's
            // guard) stay as they were.
            this.totalGuard = watchdog.newGuard(this::expire);
            totalGuard.arm(timeouts.totalDeadlineNanos(), Deadline.TOTAL);
        }
    }

    /**
     * Leases a connection to the URI's origin, a pooled one as {@code reuse} allows, waiting
     * in the pool's line at the place of {@code ticket} ({@link ConnectionPool#ticket()}, taken
     * when the request was made). With a total timeout, {@code watchdog} ends the exchange when
     * it passes.
     *
     * @throws SluiceException typed: connect failure or connect timeout
     * @throws java.io.InterruptedIOException when the thread was interrupted while connecting
     * @throws IllegalStateException when the client is closed
     */
    public static Exchange open(ConnectionPool pool, Watchdog watchdog, URI uri, Reuse reuse, long ticket,
                                Timeouts timeouts, Limits limits) throws IOException {
        long start = System.nanoTime();
        // The connect deadline the pool asked for, if it connected: whether it was the total
        // timeout's (the tighter one) says which limit a connect that outlived it broke.
        long[] connectDeadline = {0};
        try {
            long waitDeadline = timeouts.poolDeadlineNanos();
            Lease lease = pool.acquire(Origin.of(uri), reuse, ticket, waitDeadline,
                    waitDeadline == timeouts.totalDeadlineNanos() ? Deadline.TOTAL : Deadline.POOL,
                    () -> connectDeadline[0] = timeouts.connectDeadlineNanos());
            return new Exchange(uri, lease, timeouts, limits, start, watchdog);
        } catch (InterruptedException e) {
            // Worded as every other interrupt of an exchange (Failures), the interrupt kept.
            Thread.currentThread().interrupt();
            throw Failures.connect(new InterruptedIOException("interrupted"), uri, timeouts, "waiting for a free connection");
        } catch (IOException e) {
            throw Failures.connect(e, uri, timeouts, connectDeadline[0] == timeouts.totalDeadlineNanos());
        }
    }

    /** Whether the connection carried an earlier exchange, so a failure may mean it was stale. */
    public boolean isReusedConnection() {
        return lease.isReused();
    }

    /** Whether no byte of the response has arrived, so an idempotent request may be retried. */
    public boolean receivedNothing() {
        return !receivedAny;
    }

    public Connection connection() {
        return conn;
    }

    /**
     * Whether {@code requestFields} hold the connection option {@code close} (RFC 9110 §7.6.1:
     * a token of a {@code Connection} list, in any case), as a caller may send to have the
     * connection end with this exchange.
     *
     * <pre>{@code
     * Exchange.asksToClose(List.of(new Field("Connection", "Keep-Alive, Close")))   // true
     * }</pre>
     */
    public static boolean asksToClose(List<Field> requestFields) {
        return FieldLists.containsToken(requestFields, "Connection", "close"); // as a response's is read
    }

    /**
     * Closes the connection when this exchange ends, never returning it to the pool: for a
     * request sent with {@code Connection: close}, after which RFC 9112 §9.6 has a client send
     * nothing more on the connection and close it once the response is read, whatever the
     * server said. Call before {@link #writeRequest}.
     */
    public void closeAfterResponse() {
        closeRequested = true;
    }

    /**
     * Opens the file of a {@link RequestBody.OfPath} body, before any connection is made; see
     * {@link RequestWriter#openBodyFile}.
     */
    public static FileChannel openBodyFile(URI uri, RequestBody body) throws IOException {
        return RequestWriter.openBodyFile(uri, body);
    }

    /**
     * Sends the request head (encoded by {@link RequestEncoder#encodeHead}) and body; the body
     * of a {@link RequestBody.OfPath} comes from {@code bodyFile}, opened by {@link #openBodyFile}.
     * With {@code expectContinue} (the head carries {@code Expect: 100-continue} and there is a
     * body) the body waits for the server's answer to the head, at most
     * {@link #EXPECT_CONTINUE_WAIT_NANOS}: a 100 Continue, or silence, sends it; a final answer
     * is this exchange's response and the body is never sent (RFC 9110 §10.1.1).
     */
    public void writeRequest(String method, byte[] headBytes, RequestBody body, FileChannel bodyFile,
                             boolean expectContinue) throws IOException {
        decoder.reset(method);
        try {
            RequestWriter writer = new RequestWriter(conn, timeouts, this);
            if (expectContinue && body != null) {
                writer.writeHead(headBytes);
                if (finalAnswerBeforeBody()) {
                    return;
                }
                // Watched also after the wait gave up: a late 100 Continue is no final answer to
                // the watch, but a late 401 or 413 from a server that stops reading is.
                writer.writeBody(body, bodyFile);
            } else {
                writer.write(headBytes, body, bodyFile);
            }
        } catch (RequestWriter.LocalBodyFailure | BodyFileException e) {
            abort();
            throw new IOException(ServerText.url(uri) + ": " + e.getMessage(), e.getCause());
        } catch (SluiceException e) {
            abort(); // the wait for 100 Continue read a failure: typed already
            throw e;
        } catch (IOException e) {
            if (!(e instanceof DeadlineExceededException) && !(e instanceof InterruptedIOException)
                    && !totalExpired && hasEarlyResponse(e)) {
                return;
            }
            abort();
            throw failure(e, 0);
        }
        phase = Phase.WAITING_FOR_HEAD;
    }

    /**
     * Waits for the server's answer to a head sent with {@code Expect: 100-continue}: false when
     * the body is to go (a 100 Continue came, or nothing within the wait, since a server may
     * ignore the expectation), true when a final answer came first, which is then this
     * exchange's head; the connection is closed after it, as the body was never sent.
     */
    private boolean finalAnswerBeforeBody() throws IOException {
        Phase sending = phase;
        phase = Phase.WAITING_FOR_CONTINUE;
        // Not past the total deadline: the body's first write then fails as a total timeout.
        long until = Math.min(System.nanoTime() + EXPECT_CONTINUE_WAIT_NANOS, timeouts.totalDeadlineNanos());
        try {
            while (conn.buffer().hasRemaining() || conn.awaitInput(until)) {
                DecoderEvent ev = next();
                if (ev instanceof DecoderEvent.ResponseHead h) {
                    requestIncomplete = true;
                    bodyWithheld = true;
                    acceptHead(h);
                    return true;
                }
                if (ev instanceof DecoderEvent.InformationalHead info && info.status() == 100) {
                    return false;
                }
                if (!(ev instanceof DecoderEvent.InformationalHead)) {
                    throw new IllegalStateException("unexpected decoder event before the head: " + ev);
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(ServerText.url(uri) + ": interrupted while waiting for 100 Continue");
        } finally {
            if (!requestIncomplete) {
                phase = sending;
            }
        }
    }

    /**
     * Whether the response answered the head alone, no byte of the body sent: the request may
     * go again, even with a body read from a stream.
     */
    public boolean isBodyWithheld() {
        return bodyWithheld;
    }

    /**
     * Whether the server answered before it took the whole request, the write failing because
     * it then closed (a 413 or 401 to a large upload): RFC 9112 §9.5 has a client watch for such
     * an answer, which says more than the broken pipe. The head it reads is then this
     * exchange's, and the connection is closed after its body, as the request was never sent
     * whole.
     */
    private boolean hasEarlyResponse(IOException writeFailure) throws ConnectFailedException {
        requestIncomplete = true;
        Phase sending = phase;
        try {
            readHead();
            return true;
        } catch (ConnectFailedException e) {
            // The server's TLS alert, read after the write broke: the handshake was refused.
            throw e;
        } catch (IOException | RuntimeException e) {
            writeFailure.addSuppressed(e);
            phase = sending; // the failure to report is the write's
            return false;
        }
    }

    /** Reads the response head, skipping 1xx interim responses. */
    public DecoderEvent.ResponseHead readHead() throws IOException {
        if (head != null) {
            return head; // read already, as an answer that came before the request was sent whole
        }
        phase = Phase.WAITING_FOR_HEAD;
        try {
            while (true) {
                DecoderEvent ev = next();
                if (ev instanceof DecoderEvent.ResponseHead h) {
                    acceptHead(h);
                    return h;
                }
                if (!(ev instanceof DecoderEvent.InformationalHead)) {
                    throw new IllegalStateException("unexpected decoder event before the head: " + ev);
                }
            }
        } catch (IOException e) {
            abort();
            throw e;
        }
    }

    private void acceptHead(DecoderEvent.ResponseHead h) throws IOException {
        head = h;
        headNanos = System.nanoTime();
        phase = Phase.READING_BODY;
        if (h.framing().isEmpty()) {
            // The decoder still reports the (empty) body's end; take it now so the
            // connection goes back to the pool at once, closed response or not.
            readBody();
        }
    }

    /**
     * The next body bytes as a view of the connection's buffer, valid until the next call; or
     * null at the end of the body (then the connection has been released).
     */
    public ByteBuffer readBody() throws IOException {
        if (bodyDone) {
            return null;
        }
        try {
            if (decoder.state() == ResponseDecoder.State.FIXED_BODY) {
                return readFixedBody();
            }
            DecoderEvent ev = next();
            switch (ev) {
                case DecoderEvent.BodyBytes b -> {
                    return conn.buffer().slice(b.offset(), b.length());
                }
                case DecoderEvent.BodyEnd end -> {
                    endBody(end.trailers());
                    return null;
                }
                default -> throw new IllegalStateException("unexpected decoder event in the body: " + ev);
            }
        } catch (IOException e) {
            abort();
            throw e;
        }
    }

    /**
     * A body of known length, the common case, without the decoder's general path: each piece
     * is arithmetic on the bytes left. This keeps the body's read loop small, and with it what
     * the JIT compiles for it: through {@code decode} it would take in the whole head parser
     * (measured: C2's compile time in a run of 2,000 slow streams fell from about 1.1 s to 0.6 s).
     */
    private ByteBuffer readFixedBody() throws IOException {
        long left = decoder.directReadLimit();
        if (left == 0) {
            endBody(decoder.endFixedBody().trailers());
            return null;
        }
        ByteBuffer buf = conn.buffer();
        try {
            if (!buf.hasRemaining()) {
                if (fill(buf) < 0) {
                    decoder.endOfInput(); // throws: the body is short of its Content-Length
                    throw new IllegalStateException("a fixed-length body ended early without an error");
                }
                buf = conn.buffer();
            }
        } catch (CodecException e) {
            throw Failures.codec(e, uri);
        } catch (IOException e) {
            throw Failures.exchange(withExpiry(e), uri, timeouts, phase, decoder.bodyBytesReceived());
        }
        int n = (int) Math.min(left, buf.remaining());
        int at = buf.position();
        buf.position(at + n);
        decoder.consumedDirectly(n);
        return buf.slice(at, n);
    }

    private void endBody(List<Field> endTrailers) {
        trailers = endTrailers;
        bodyDone = true;
        endNanos = System.nanoTime();
        finish(head.persistent() && !requestIncomplete && !closeRequested && !conn.buffer().hasRemaining());
    }

    /** The next decoder event, reading from the socket as the decoder needs. */
    private DecoderEvent next() throws IOException {
        try {
            while (true) {
                ByteBuffer buf = conn.buffer();
                DecoderEvent ev = decoder.decode(buf);
                if (!(ev instanceof DecoderEvent.NeedInput)) {
                    return ev;
                }
                int n = fill(buf);
                if (n < 0) {
                    return decoder.endOfInput();
                }
                if (!receivedAny && n > 0) {
                    receivedAny = true;
                    firstByteNanos = System.nanoTime();
                }
            }
        } catch (CodecException e) {
            throw Failures.codec(e, uri);
        } catch (IOException e) {
            throw failure(e, decoder.bodyBytesReceived());
        }
    }

    /**
     * {@code e} as the public exception. Under TLS 1.3 the client's side of the handshake ends
     * before the server has judged it (RFC 8446 §4.4.2: a server that requires a client
     * certificate, or refuses the one it got, says so after the client's Finished): its fatal
     * alert then reaches the first read, or the request's write, of a new connection. That is
     * the handshake's failure, reported as under TLS 1.2 (could not connect), not a broken
     * response. Only an alert that refuses the client counts: another (internal_error) may
     * come after the server took the request.
     */
    private IOException failure(IOException e, long bodyBytes) {
        if (!receivedAny && e instanceof Connection.UnnotifiedCloseException
                && decoder.state() == ResponseDecoder.State.STATUS_LINE) {
            // Not a byte came: nothing can have been cut short, and a close_notify would say
            // nothing more. The close is what it is, as without TLS.
            try {
                decoder.endOfInput();
            } catch (CodecException closed) {
                return Failures.codec(closed, uri);
            }
        }
        String alert = receivedAny || lease.isReused() ? null : TlsFailures.receivedAlert(e);
        if (alert != null && TlsFailures.refusesTheClient(alert)) {
            return Failures.tlsRefused(e, uri, alert);
        }
        return Failures.exchange(withExpiry(e), uri, timeouts, phase, bodyBytes);
    }

    /** Reads more into the connection's buffer, grown first if it should be; -1 at the peer's close. */
    private int fill(ByteBuffer buf) throws IOException {
        ensureRoom(buf);
        long deadline = timeouts.ioDeadlineNanos();
        return conn.fill(deadline, timeouts.ioDeadlineKind(deadline));
    }

    /**
     * Grows the buffer when a head line fills it, or when the body proves both big and fast
     * enough that larger reads pay. Speed matters as much as size: a slow stream gains
     * nothing from a big buffer, and ten thousand of them must fit in little memory.
     */
    private ByteBuffer ensureRoom(ByteBuffer buf) {
        int cap = buf.capacity();
        if (buf.remaining() == cap && cap < BufferPool.LARGE) {
            // A whole buffer without a complete line: the decoder enforces the head limit,
            // the buffer just has to be able to hold that much.
            int wanted = Math.max(limits.maxHeadBytes(), limits.maxTrailerBytes()) + 1;
            return conn.resizeBuffer(wanted <= BufferPool.MEDIUM ? BufferPool.MEDIUM : BufferPool.LARGE);
        }
        if (cap == BufferPool.LARGE) {
            return buf;
        }
        long body = decoder.bodyBytesReceived();
        long elapsed = Math.max(1, System.nanoTime() - headNanos);
        int wanted = grownCapacity(cap, body, (long) (body * 1e9 / elapsed));
        return wanted == cap ? buf : conn.resizeBuffer(wanted);
    }

    /**
     * The read buffer's capacity for a body that has brought {@code body} bytes at
     * {@code bytesPerSecond}: {@link BufferPool#MEDIUM} from 64 KiB at 8 MiB/s, {@link
     * BufferPool#LARGE} from 1 MiB at 64 MiB/s, never smaller than {@code cap}. Worked out
     * without a branch: the body's read loop is compiled while its bodies are young, and a test
     * there that flips as they grow (past 64 KiB, say) would throw that compiled loop away, with
     * all it inlined, a moment later (seen with 2,000 streams started at once).
     */
    static int grownCapacity(int cap, long body, long bytesPerSecond) {
        return Math.max(cap, Math.max(
                BufferPool.MEDIUM * atLeastBoth(body, MEDIUM_BUFFER_AFTER_BYTES, bytesPerSecond, MEDIUM_BUFFER_MIN_RATE),
                BufferPool.LARGE * atLeastBoth(body, LARGE_BUFFER_AFTER_BYTES, bytesPerSecond, LARGE_BUFFER_MIN_RATE)));
    }

    /**
     * 1 when {@code a >= minA} and {@code b >= minB}, else 0: both differences below zero, read
     * from their sign bits. For non-negative arguments only (byte counts and rates).
     */
    private static int atLeastBoth(long a, long minA, long b, long minB) {
        return (int) (((minA - 1 - a) & (minB - 1 - b)) >>> 63);
    }

    private void finish(boolean reusable) {
        if (finished.compareAndSet(false, true)) {
            try {
                forgetTotalDeadline();
                lease.release(reusable);
            } finally {
                released = true;
            }
        } else {
            awaitReleased();
        }
    }

    /**
     * Waits until the thread that ended this exchange first (the watchdog at the total
     * deadline, a cancel) has given the lease back, a matter of microseconds: a caller that
     * gets its failure, or the end of its body, then finds the pool's slot free, as when it
     * ended the exchange itself.
     */
    private void awaitReleased() {
        while (!released) {
            Thread.yield();
        }
    }

    /**
     * Drops the guard and the listener once the exchange has ended. The listener (a publisher,
     * which reaches the body and its stream) must not stay reachable from here: the stream's
     * leak cleaner holds this exchange.
     */
    private void forgetTotalDeadline() {
        if (totalGuard != null) {
            totalGuard.disarmAndForget();
            onTotalTimeout = null;
        }
    }

    /**
     * Run by the watchdog when the total deadline passes: closes the connection and frees its
     * slot, however far the exchange got and whoever holds it. No blocking I/O (this is the
     * watchdog's thread): a cancel, without a TLS close_notify.
     */
    private void expire() {
        if (finished.get()) {
            return;
        }
        // Before the close: the read it wakes must find the reason. And before the listener is
        // read: onTotalTimeout sets the listener and then reads this, so at least one of the two
        // sees the other's write (both volatile) and a subscription made meanwhile is told.
        totalExpired = true;
        Runnable listener = onTotalTimeout; // before the close, which drops it
        boolean ended = closeAndRelease(true);
        // Even when a cancel ended the exchange meanwhile: closing the connection wakes no read
        // of the caller's stream. On a thread of its own, as an interrupt may block: closing an
        // interruptible channel waits for its read to return, which a virtual thread's read of
        // a file channel does only when data comes.
        if (isSendingStreamBody()) {
            Thread.ofVirtual().name("sluice-total-timeout").start(this::interruptStreamBody);
        }
        if (ended && listener != null) {
            listener.run();
        }
    }

    /**
     * Records that this thread is about to send a body read from the caller's stream, whose
     * reads no deadline bounds: until {@link #leaveStreamBody()}, the total deadline interrupts
     * it. A stream that heeds interrupts then fails: {@code Channels.newInputStream} of a
     * {@code FileChannel.open} (on a platform thread) or of a {@code Pipe}'s source, a
     * {@code PipedInputStream}. One that does not, such as {@code System.in} and
     * {@code Files.newInputStream}'s, keeps the thread until it returns, and the write of what
     * it returned then fails on the closed connection.
     *
     * @throws DeadlineExceededException when the total deadline has passed already
     */
    void enterStreamBody() throws DeadlineExceededException {
        if (streamBodyLock == null) {
            return; // no total deadline: nothing will interrupt
        }
        streamBodyLock.lock();
        try {
            // Read under the lock that expire() takes after setting it: either this sees it,
            // or expire() sees the thread.
            if (totalExpired) {
                throw new DeadlineExceededException(Deadline.TOTAL, DeadlineExceededException.Stage.EXCHANGE, "total deadline passed");
            }
            streamBodyThread = Thread.currentThread();
        } finally {
            streamBodyLock.unlock();
        }
    }

    /**
     * Ends what {@link #enterStreamBody()} began; whether the total deadline interrupted the
     * thread meanwhile. That interrupt was ours, not the caller's: its status is cleared.
     */
    boolean leaveStreamBody() {
        if (streamBodyLock == null) {
            return false;
        }
        streamBodyLock.lock();
        try {
            streamBodyThread = null;
            if (!streamBodyInterrupted) {
                return false;
            }
            streamBodyInterrupted = false;
        } finally {
            streamBodyLock.unlock();
        }
        // The interrupt landed inside the lock, before this, and none of ours can follow: clear
        // it, if the stream has not (a channel leaves it set; a wait consumes it).
        Thread.interrupted();
        return true;
    }

    private boolean isSendingStreamBody() {
        streamBodyLock.lock();
        try {
            return streamBodyThread != null;
        } finally {
            streamBodyLock.unlock();
        }
    }

    /**
     * After {@link #expire()}: interrupts the thread sending a stream body, unless it has left
     * it. The interrupt happens under the lock, so that it cannot land after
     * {@link #leaveStreamBody()}; when it blocks, only the thread it interrupts waits for it.
     */
    private void interruptStreamBody() {
        streamBodyLock.lock();
        try {
            if (streamBodyThread != null && !streamBodyInterrupted) {
                streamBodyThread.interrupt();
                streamBodyInterrupted = true;
            }
        } finally {
            streamBodyLock.unlock();
        }
    }

    /**
     * Has {@code listener} run (on the watchdog's thread: it must not block) when the total
     * deadline ends this exchange, or at once when it has already; for a reader that may be
     * waiting for something other than the connection (a publisher waiting for demand).
     * Nothing without a total timeout, or once the exchange has ended otherwise.
     */
    public void onTotalTimeout(Runnable listener) {
        if (totalGuard == null) {
            return;
        }
        onTotalTimeout = listener;
        if (totalExpired) {
            listener.run(); // expired meanwhile: it may run twice, so it must be idempotent
        } else if (finished.get()) {
            onTotalTimeout = null; // ended otherwise: the listener must not stay reachable from here
        }
    }

    /** A failure of the connection, as the total timeout when that is what closed it. */
    private IOException withExpiry(IOException e) {
        if (!totalExpired || e instanceof DeadlineExceededException) {
            return e;
        }
        var timeout = new DeadlineExceededException(Deadline.TOTAL, DeadlineExceededException.Stage.EXCHANGE, "total deadline passed");
        timeout.initCause(e);
        return timeout;
    }

    /**
     * What a read of the body after the exchange ended early says: a
     * {@link dev.sluice.TotalTimeoutException} when the total deadline ended it, else that the
     * body was closed.
     */
    public IOException endedEarly() {
        if (totalExpired) {
            return Failures.exchange(withExpiry(new IOException("the exchange was ended at its total deadline")),
                    uri, timeouts, phase, decoder.bodyBytesReceived());
        }
        return new BodyClosedException(uri);
    }

    public DecoderEvent.ResponseHead head() {
        return head;
    }

    /** The trailer fields, once the body has ended; empty before. */
    public List<Field> trailers() {
        return trailers;
    }

    public boolean isBodyDone() {
        return bodyDone;
    }

    public long bodyBytesReceived() {
        return decoder.bodyBytesReceived();
    }

    public URI uri() {
        return uri;
    }

    public long startNanos() {
        return startNanos;
    }

    public long firstByteNanos() {
        return firstByteNanos;
    }

    public long headNanos() {
        return headNanos;
    }

    /** When the body ended, or 0 while it has not. */
    public long endNanos() {
        return endNanos;
    }

    /**
     * Closes the connection (it will not be reused) and frees its pool slot. For the thread
     * driving the exchange; other threads use {@link #cancel()}. Does nothing once the
     * connection went back to the pool, where another exchange may be using it.
     */
    public void abort() {
        closeAndRelease(false);
    }

    /**
     * {@link #abort()} for any thread, also while the driving thread is blocked reading: the
     * close wakes it with an error. The read buffer is not recycled (that thread may still be
     * touching it); the garbage collector frees it.
     */
    public void cancel() {
        closeAndRelease(true);
    }

    /** Whether this call ended the exchange. */
    private boolean closeAndRelease(boolean abandonBuffer) {
        if (!finished.compareAndSet(false, true)) {
            if (!abandonBuffer) {
                // The driving thread only: another (the watchdog, a cancel) must never wait for
                // the driving thread's release, which may be a close the watchdog itself bounds.
                awaitReleased();
            }
            return false;
        }
        try {
            forgetTotalDeadline();
            if (abandonBuffer) {
                // From another thread, which may find the driving one blocked in a TLS write.
                conn.abandonBuffer();
                conn.abort();
            } else {
                conn.close();
            }
            lease.release(false);
        } finally {
            released = true;
        }
        return true;
    }

    /**
     * Ends a body of declared length whose bytes have all come, as the read of its end would
     * (its end time and trailers kept, the connection given back or closed by the same rule),
     * and says whether the body has ended, now or before. For the thread that reads (through
     * {@link ExchangeInputStream#endIfComplete()}), or one that closes while no read can run
     * ({@link #close()}).
     */
    public boolean endIfAllReceived() {
        if (!bodyDone && decoder.state() == ResponseDecoder.State.FIXED_BODY && decoder.directReadLimit() == 0) {
            endBody(decoder.endFixedBody().trailers());
        }
        return bodyDone;
    }

    /** Whether the connection has gone back to the pool or been closed. */
    public boolean isFinished() {
        return finished.get();
    }

    /**
     * Ends the exchange. A body of declared length whose bytes have all come ends as a read of
     * its end would. A body not read to its end is drained when little of it is left (so the
     * connection can be reused) and otherwise, or when the request asked to close it, the
     * connection is closed.
     */
    @Override
    public void close() {
        if (finished.get()) {
            return;
        }
        if (endIfAllReceived()) {
            return;
        }
        if (head == null || closeRequested
                || !(head.framing() instanceof BodyFraming.FixedLength || head.framing() instanceof BodyFraming.Chunked)
                || remainingKnownOver(DRAIN_MAX_BYTES)) {
            abort();
            return;
        }
        // Draining must be quick: past this deadline the watchdog closes the connection.
        timeouts = new Timeouts(timeouts.connect(), timeouts.read(), timeouts.total(), timeouts.pool(),
                Math.min(timeouts.totalDeadlineNanos(), System.nanoTime() + timeouts.drainNanos()), timeouts.drainNanos());
        long start = decoder.bodyBytesReceived();
        try {
            while (readBody() != null) {
                if (decoder.bodyBytesReceived() - start > DRAIN_MAX_BYTES) {
                    abort();
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            abort();
        }
    }

    private boolean remainingKnownOver(long max) {
        if (head.framing() instanceof BodyFraming.FixedLength f) {
            return f.length() - decoder.bodyBytesReceived() > max;
        }
        return false;
    }
}
