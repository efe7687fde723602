package dev.sluice.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.util.List;
import java.util.function.Supplier;

/**
 * Connects over TCP to each resolved address in turn within the connect deadline, then, for
 * https, layers TLS through the JDK: SNI, hostname verification, TLS 1.3 and 1.2.
 */
public final class SocketConnector implements Connector {
    private static final System.Logger LOG = System.getLogger(SocketConnector.class.getName());
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** Made on first use: the JDK's default context costs about 100 ms to build, and plain http never needs it. */
    private final Supplier<SSLContext> sslContext;
    private volatile SSLContext context;
    private final boolean verifyHostname;
    private final Watchdog watchdog;
    private final BufferPool buffers;
    private final AtomicLong ids = new AtomicLong();

    /**
     * @param sslContext     the TLS context for https origins
     * @param verifyHostname false only in insecure mode, together with a trust-all context
     */
    public SocketConnector(Supplier<SSLContext> sslContext, boolean verifyHostname, Watchdog watchdog, BufferPool buffers) {
        this.sslContext = sslContext;
        this.verifyHostname = verifyHostname;
        this.watchdog = watchdog;
        this.buffers = buffers;
    }

    @Override
    public Connection connect(Origin origin, long deadlineNanos) throws IOException {
        long start = System.nanoTime();
        InetAddress[] addresses = resolve(origin.host(), deadlineNanos);
        IOException failure = null;
        for (InetAddress address : addresses) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (remainingMillis <= 0) {
                break;
            }
            SocketChannel channel = SocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                // The socket adaptor is the one channel API that connects with a timeout.
                channel.socket().connect(new InetSocketAddress(address, origin.port()),
                        (int) Math.min(Integer.MAX_VALUE, remainingMillis));
                long connected = System.nanoTime();
                Connection c = origin.isTls()
                        ? handshake(channel, origin, deadlineNanos)
                        : new Connection(ids.incrementAndGet(), origin, channel, null, watchdog, buffers);
                c.connectNanos = connected - start;
                c.tlsNanos = origin.isTls() ? System.nanoTime() - connected : 0;
                if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                    LOG.log(System.Logger.Level.DEBUG, "connected " + c + " via " + address);
                }
                return c;
            } catch (SocketTimeoutException e) {
                closeQuietly(channel);
                var timeout = new DeadlineExceededException(Deadline.CONNECT, DeadlineExceededException.Stage.CONNECT,
                        "connect to " + address.getHostAddress() + " port " + origin.port() + " timed out");
                timeout.initCause(e);
                failure = timeout;
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                if (e instanceof DeadlineExceededException d) {
                    throw d;
                }
                IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
                if (failure == null || !(failure instanceof DeadlineExceededException)) {
                    failure = io;
                }
                if (io instanceof javax.net.ssl.SSLException) {
                    throw io; // another address would present the same certificate
                }
                if (io instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
                    throw io; // the caller gave up: no other address is wanted
                }
            } catch (Error e) {
                // An OutOfMemoryError for the connection's direct read buffer, say: the socket
                // must not outlive it.
                closeQuietly(channel);
                throw e;
            }
        }
        if (failure == null) {
            failure = addresses.length == 0
                    ? new UnknownHostException(origin.host())
                    : new DeadlineExceededException(Deadline.CONNECT, DeadlineExceededException.Stage.CONNECT, "connect timed out");
        }
        throw failure;
    }

    /**
     * The addresses of {@code host}, waited for until the connect deadline. The JDK's lookup
     * (getaddrinfo) heeds neither a timeout nor an interrupt, and a resolver can take seconds:
     * run on a virtual thread of its own, it may outlive a caller that gives up (its deadline
     * passed, or a cancel), which then fails at once and frees its pool slot. An IP literal
     * needs no lookup.
     */
    private static InetAddress[] resolve(String host, long deadlineNanos) throws IOException {
        if (isIpLiteral(host)) {
            return InetAddress.getAllByName(host);
        }
        CompletableFuture<InetAddress[]> lookup = new CompletableFuture<>();
        Thread.ofVirtual().name("sluice-resolve " + host).start(() -> {
            try {
                lookup.complete(InetAddress.getAllByName(host));
            } catch (Throwable t) {
                lookup.completeExceptionally(t);
            }
        });
        try {
            return lookup.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            var timeout = new DeadlineExceededException(Deadline.CONNECT, DeadlineExceededException.Stage.CONNECT, "resolving " + host + " timed out");
            timeout.initCause(e);
            throw timeout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            var interrupted = new InterruptedIOException("interrupted while resolving " + host);
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException("resolving " + host + ": " + cause, cause);
        }
    }

    private Connection handshake(SocketChannel channel, Origin origin, long deadlineNanos) throws IOException {
        SSLContext ctx = context;
        if (ctx == null) {
            ctx = sslContext.get();
            context = ctx;
        }
        HandshakeSocket plain = new HandshakeSocket(channel);
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory()
                .createSocket(plain, origin.host(), origin.port(), true);
        SSLParameters params = tls.getSSLParameters();
        params.setProtocols(PROTOCOLS);
        String host = origin.host();
        boolean ip = isIpLiteral(host);
        // The JDK's check refuses a name with an underscore whatever the certificate says: such
        // a name is checked by HostNameCheck alone, after the handshake.
        boolean jdkChecksHost = verifyHostname && (ip || HostNameCheck.isLdh(host));
        if (jdkChecksHost) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!ip) {
            // RFC 6066 §3: the name goes without a trailing dot (localhost. is localhost's
            // fully qualified form); SNIHostName refuses one, and the JDK would send no name.
            try {
                params.setServerNames(List.of(new SNIHostName(HostNameCheck.withoutTrailingDot(host))));
            } catch (IllegalArgumentException e) {
                // Not a DNS host name SNI can carry (my_host: an underscore); sent without, as
                // the JDK itself does for such a name.
            }
        }
        // RFC 7301: say which protocol this connection will speak. A server that speaks only
        // HTTP/2 then refuses the handshake with no_application_protocol, which names the cause,
        // instead of answering HTTP/1.1 bytes with HTTP/2 frames or a canned 403.
        params.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(params);
        Connection c = new Connection(ids.incrementAndGet(), origin, channel, tls, watchdog, buffers);
        c.guard().arm(deadlineNanos, Deadline.CONNECT);
        try {
            tls.startHandshake();
            if (verifyHostname && !ip) {
                checkHostName(tls, host, jdkChecksHost);
            }
        } catch (IOException e) {
            c.close();
            plain.handshakeDone();
            if (c.guard().fired() != null) {
                var timeout = new DeadlineExceededException(Deadline.CONNECT, DeadlineExceededException.Stage.TLS_HANDSHAKE,
                        "TLS handshake timed out");
                timeout.initCause(e);
                throw timeout;
            }
            throw withAlert(e, plain.fatalAlert());
        } finally {
            c.guard().disarm();
        }
        plain.handshakeDone();
        return c;
    }

    /**
     * RFC 9525 §6.3's check of the certificate's DNS names, after the JDK's where it made one:
     * a certificate known only by its common name is left to the JDK's check, and is not for a
     * host that check could not take.
     */
    private static void checkHostName(SSLSocket tls, String host, boolean jdkChecked) throws SSLHandshakeException {
        java.security.cert.Certificate[] chain;
        try {
            chain = tls.getSession().getPeerCertificates();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            chain = new java.security.cert.Certificate[0];
        }
        List<String> names = chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate leaf
                ? HostNameCheck.dnsNames(leaf) : List.of();
        if (names.isEmpty() ? !jdkChecked : !HostNameCheck.matches(host, names)) {
            var mismatch = new SSLHandshakeException("certificate not valid for host " + host);
            // Worded as the JDK's own mismatch, which the failure's words are made from.
            mismatch.initCause(new java.security.cert.CertificateException(
                    "No subject alternative DNS name matching " + host + " found"));
            throw mismatch;
        }
    }

    /**
     * The handshake failure, told by the fatal alert the server sent when the JDK did not get
     * to read it (a write failing first on the server's close: see {@link HandshakeSocket}).
     */
    private static IOException withAlert(IOException e, int alert) {
        if (alert < 0) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Received fatal alert")) {
                return e;
            }
        }
        var told = new SSLHandshakeException("Received fatal alert: " + HandshakeSocket.alertName(alert));
        told.initCause(e);
        return told;
    }

    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        // A loop, not a stream: this runs for every connection, mostly before the JIT has
        // compiled it, where a stream pipeline costs many times more.
        for (int i = 0; i < host.length(); i++) {
            char ch = host.charAt(i);
            if (ch != '.' && (ch < '0' || ch > '9')) {
                return false;
            }
        }
        return true;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Already failing; the first error is the one to report.
        }
    }
}
