package dev.sluice.engine;

import dev.sluice.ConnectFailedException;
import dev.sluice.ConnectTimeoutException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.ReadTimeoutException;
import dev.sluice.SluiceException;
import dev.sluice.TotalTimeoutException;
import dev.sluice.codec.CodecException;
import dev.sluice.codec.ServerText;
import dev.sluice.net.Deadline;
import dev.sluice.net.DeadlineExceededException;
import dev.sluice.net.Origin;
import dev.sluice.net.PoolClosedException;
import dev.sluice.net.ReadBufferFullException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import javax.net.ssl.SSLException;

/**
 * Turns what the layers below throw into the public exception types, once, adding the URL
 * and the phase. Every message names the URL and says what happened.
 *
 * <p>Besides the {@link SluiceException}s, two outcomes are not the server's doing and are
 * never retried: an interrupt of the calling thread is an {@link InterruptedIOException}
 * (the thread stays interrupted), and a local limit such as a read buffer that cannot grow is
 * a plain {@link IOException}.
 */
public final class Failures {
    private Failures() {
    }

    /**
     * An error while connecting (or waiting for a pooled connection): a {@link SluiceException},
     * or an {@link InterruptedIOException} when the thread was interrupted.
     *
     * <p>{@code totalBound} says whether the connect deadline was the total timeout's (the
     * tighter of the two, as {@link Timeouts#connectDeadlineNanos()} chose): its passing, in the
     * TCP connect or the TLS handshake, is then a {@link TotalTimeoutException} naming the total
     * timeout, not a connect timeout that had not passed.
     *
     * @throws IllegalStateException when the client was closed: local misuse, not a failure to
     *                               connect, so nothing retries it
     */
    public static IOException connect(IOException e, URI uri, Timeouts t, boolean totalBound) {
        return connect(e, uri, t, "connecting to " + hostPort(uri), totalBound);
    }

    /** {@link #connect(IOException, URI, Timeouts, boolean)}, an interrupt said to come while {@code phase}. */
    public static IOException connect(IOException e, URI uri, Timeouts t, String phase) {
        return connect(e, uri, t, phase, false);
    }

    private static IOException connect(IOException e, URI uri, Timeouts t, String phase, boolean totalBound) {
        if (e instanceof SluiceException s) {
            return s;
        }
        if (e instanceof PoolClosedException) {
            throw new IllegalStateException("the client is closed: " + ServerText.url(uri), e);
        }
        if (e instanceof DeadlineExceededException d) {
            if (d.deadline() == Deadline.CONNECT && totalBound) {
                return new TotalTimeoutException(uri, "connecting to " + hostPort(uri), t.total(), d);
            }
            return deadline(d, uri, t, "connecting", false);
        }
        if (isInterrupt(e)) {
            return interrupted(e, uri, phase);
        }
        if (rootMessage(e).contains("Too many open files")) {
            // EMFILE/ENFILE: no socket could be made here, whatever the server; a local limit,
            // not a failure to reach the host (the command line's exit 8, not 4, and no retry).
            return new IOException(ServerText.url(uri) + ": cannot open a socket: too many open files"
                    + " (a limit on file descriptors, the process's or the system's)", e);
        }
        if (e instanceof UnknownHostException) {
            return new ConnectFailedException(uri, "could not resolve host " + Origin.of(uri).host(), e);
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return new ConnectFailedException(uri, "could not connect to " + hostPort(uri) + ": "
                    + (e.getMessage() == null ? "connection refused" : e.getMessage().toLowerCase()), e);
        }
        if (e instanceof SSLException ssl) {
            return new ConnectFailedException(uri, "TLS handshake with " + hostPort(uri) + " failed: "
                    + TlsFailures.reason(ssl, Origin.of(uri).host()), e);
        }
        return new ConnectFailedException(uri, "could not connect to " + hostPort(uri) + ": " + rootMessage(e), e);
    }

    /**
     * An error after the connection was made: while sending, or reading the head or body. A
     * {@link SluiceException}; an {@link InterruptedIOException} when the thread was
     * interrupted; a plain {@link IOException} for a local limit ({@link ReadBufferFullException}).
     */
    static IOException exchange(IOException e, URI uri, Timeouts t, Phase phase, long bodyBytes) {
        if (e instanceof SluiceException s) {
            return s;
        }
        if (e instanceof DeadlineExceededException d) {
            return deadline(d, uri, t, phase.toString(), phase.sending());
        }
        if (isInterrupt(e)) {
            return interrupted(e, uri, phase.toString());
        }
        if (e instanceof ReadBufferFullException) {
            return new IOException(ServerText.url(uri) + ": " + e.getMessage() + " (" + phase + ")", e);
        }
        String where = bodyBytes > 0 ? " after " + bodyBytes + " body bytes" : "";
        return new ProtocolViolationException(uri, "connection failed while " + phase + where + ": "
                + (isInvalidTlsData(e) ? "the server's TLS data is invalid (" + rootMessage(e) + ")" : rootMessage(e)),
                -1, e);
    }

    /**
     * Whether TLS failed on what the server sent after the handshake (a record that fails its
     * integrity check, "Tag mismatch"; a record too large, "Illegal packet size"): the JDK's
     * words alone name its internals. An alert the server sent is named as such already.
     */
    private static boolean isInvalidTlsData(IOException e) {
        boolean ssl = false;
        Throwable root = e;
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof dev.sluice.net.Connection.UnnotifiedCloseException) {
                return false; // a close, said in its own words: nothing invalid came
            }
            ssl |= c instanceof javax.net.ssl.SSLException;
            root = c;
        }
        // Not an I/O failure the JDK's TLS layer wrapped (SSLException "readApplicationRecord"
        // over IOException "Broken pipe", while it answered a renegotiation): that is the
        // connection's failure, not the data's. Invalid data ends in the TLS layer itself
        // (SSLProtocolException "Illegal packet size") or in its crypto (AEADBadTagException).
        boolean ioUnderneath = root instanceof IOException && !(root instanceof javax.net.ssl.SSLException);
        return ssl && !ioUnderneath && TlsFailures.receivedAlert(e) == null;
    }

    /**
     * The server's fatal TLS alert {@code alert}, found in {@code e} on a new connection before
     * any response byte: the handshake refused, as {@link #connect} words it for an alert during
     * the handshake.
     */
    static ConnectFailedException tlsRefused(IOException e, URI uri, String alert) {
        return new ConnectFailedException(uri, "TLS handshake with " + hostPort(uri) + " failed: "
                + TlsFailures.refused(alert), e);
    }

    /**
     * Whether {@code e} holds a fatal TLS alert by which the server refused this client, which
     * the next attempt meets again: its certificate (none is sent) or its access, no TLS version
     * in common (protocol_version), no site by the name sent (unrecognized_name), no protocol
     * in common (no_application_protocol: HTTP/2 only), or no way to agree on the handshake.
     */
    public static boolean isRefusalAlert(Throwable e) {
        String alert = TlsFailures.receivedAlert(e);
        return alert != null && (alert.equals("protocol_version") || alert.equals("unrecognized_name")
                || alert.equals("no_application_protocol") || TlsFailures.refusesTheClient(alert));
    }

    /** The server sent bytes that break HTTP. */
    public static ProtocolViolationException codec(CodecException e, URI uri) {
        return new ProtocolViolationException(uri, e.getMessage(), e.offset(), e);
    }

    static SluiceException deadline(DeadlineExceededException d, URI uri, Timeouts t, String phase, boolean sending) {
        return switch (d.deadline()) {
            // The TCP connect succeeded when the handshake is what ran out of time: said so, as
            // that points at the server's TLS (or a port that does not speak it), not the network.
            case CONNECT -> new ConnectTimeoutException(uri, (d.stage() == DeadlineExceededException.Stage.TLS_HANDSHAKE
                    ? "TLS handshake with " : "connecting to ") + hostPort(uri) + " (connect timeout)", t.connect(), d);
            case POOL -> new ConnectTimeoutException(uri, "waiting for a free connection (pool timeout)", t.pool(), d);
            case READ -> sending ? ReadTimeoutException.whileSending(uri, t.read(), d)
                    : new ReadTimeoutException(uri, phase, t.read(), d);
            case TOTAL -> new TotalTimeoutException(uri, d.stage() == DeadlineExceededException.Stage.POOL_WAIT
                    ? "waiting for a free connection" : phase, t.total(), d);
            case IDLE -> new ProtocolViolationException(uri, "connection closed while idle", -1, d);
        };
    }

    /**
     * Whether {@code e} comes of the calling thread's interrupt: a channel closed by it
     * ({@link ClosedByInterruptException}, also wrapped by TLS), an interrupted wait, or any
     * failure while the thread is marked interrupted. A {@link SocketTimeoutException} is an
     * {@code InterruptedIOException} too, but a timeout.
     */
    private static boolean isInterrupt(IOException e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ClosedByInterruptException
                    || (c instanceof InterruptedIOException && !(c instanceof SocketTimeoutException))) {
                return true;
            }
        }
        return false;
    }

    /** The interrupt, naming the URL; the thread's interrupt status is left as it is (set). */
    private static InterruptedIOException interrupted(IOException e, URI uri, String phase) {
        var interrupted = new InterruptedIOException(ServerText.url(uri) + ": interrupted while " + phase);
        interrupted.initCause(e);
        return interrupted;
    }

    private static String hostPort(URI uri) {
        Origin origin = Origin.of(uri);
        return origin.host() + " port " + origin.port();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
