package dev.sluice.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plain socket under a TLS one, which watches the TLS records the server sends during the
 * handshake for a plaintext fatal alert (RFC 5246 §7.2: before the server's ChangeCipherSpec
 * an alert is not encrypted).
 *
 * <p>Why: a TLS 1.2 server that requires a client certificate sends its alert on the client's
 * empty Certificate message and closes while the client still writes the rest of its side. The
 * write then fails on the reset ("Broken pipe") before the JDK reads the alert; the JDK then
 * discards what is left in the socket (or closes it) and reports only the broken pipe. This
 * socket sees those bytes go by, in the JDK's reads, its skips and at the close, and keeps the
 * alert for the connector to report ({@link #fatalAlert()}). After the handshake the records
 * are passed on untouched and unwatched.
 *
 * <p>A close is how other threads wake a blocked read, so it never waits: not behind a read
 * (the channel lets one read at a time, and the close's own look at what is waiting would
 * queue behind a blocked one), nor behind another close. It looks only when no read is in
 * progress, and reads no more than is there; a read that begins once the close has begun
 * fails as on a closed socket. So an alert still waiting when a close ends another thread's
 * read is not seen: the JDK's own close does its reads before it closes this socket, and other
 * threads close only idle connections or abort a connect (which closes the channel, not this
 * socket), so that does not happen here. No monitors: a virtual thread blocked while holding
 * one would pin its carrier (JDK 21).
 *
 * <p>Everything else is the wrapped socket's: every method is passed to it.
 */
final class HandshakeSocket extends Socket {
    private final Socket socket;
    private final WatchingInputStream in;
    /** The description of the fatal alert seen; -1 for none. Written by the JDK's reads and by the close's look. */
    private volatile int fatalAlert = -1;
    /** Whether the handshake is over: the records are no longer watched. */
    private volatile boolean done;
    /** Whether close() has begun; the first to set it looks at what is waiting. */
    private final AtomicBoolean closing = new AtomicBoolean();

    HandshakeSocket(SocketChannel channel) throws IOException {
        super((SocketImpl) null);
        this.socket = channel.socket();
        this.in = new WatchingInputStream(socket.getInputStream());
    }

    /** The handshake ended (either way): stop watching. */
    void handshakeDone() {
        done = true;
    }

    /** The description of the plaintext fatal alert the server sent during the handshake, or -1. */
    int fatalAlert() {
        return fatalAlert;
    }

    /** The name of a TLS alert description (RFC 8446 §6, RFC 5246 §7.2), as the JDK words it. */
    static String alertName(int description) {
        return switch (description) {
            case 0 -> "close_notify";
            case 10 -> "unexpected_message";
            case 20 -> "bad_record_mac";
            case 22 -> "record_overflow";
            case 40 -> "handshake_failure";
            case 41 -> "no_certificate";
            case 42 -> "bad_certificate";
            case 43 -> "unsupported_certificate";
            case 44 -> "certificate_revoked";
            case 45 -> "certificate_expired";
            case 46 -> "certificate_unknown";
            case 47 -> "illegal_parameter";
            case 48 -> "unknown_ca";
            case 49 -> "access_denied";
            case 50 -> "decode_error";
            case 51 -> "decrypt_error";
            case 70 -> "protocol_version";
            case 71 -> "insufficient_security";
            case 80 -> "internal_error";
            case 86 -> "inappropriate_fallback";
            case 90 -> "user_canceled";
            case 100 -> "no_renegotiation";
            case 109 -> "missing_extension";
            case 110 -> "unsupported_extension";
            case 112 -> "unrecognized_name";
            case 113 -> "bad_certificate_status_response";
            case 115 -> "unknown_psk_identity";
            case 116 -> "certificate_required";
            case 120 -> "no_application_protocol";
            default -> "alert " + description;
        };
    }

    /**
     * Reads the TLS record layer as it goes by: 5 header octets (type, version, length), then
     * the fragment. An alert record of two octets whose level is fatal (2) is kept.
     */
    private final class WatchingInputStream extends FilterInputStream {
        private final byte[] header = new byte[5];
        private int headerRead;
        private int fragmentLeft;
        private boolean alertRecord;
        private int alertLevel = -1;
        /**
         * The reads and skips in progress. With {@link #closing} it keeps a read and the close's
         * look at what is waiting apart, without a lock: a read counts itself, then checks
         * closing; the close sets closing, then checks the count. Of the two, at least one
         * sees the other.
         */
        private final AtomicInteger readsInProgress = new AtomicInteger();

        WatchingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            beginRead();
            try {
                int b = in.read();
                if (b >= 0 && !done) {
                    watch(new byte[] {(byte) b}, 0, 1);
                }
                return b;
            } finally {
                readsInProgress.decrementAndGet();
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            beginRead();
            try {
                int n = in.read(b, off, len);
                if (n > 0 && !done) {
                    watch(b, off, n);
                }
                return n;
            } finally {
                readsInProgress.decrementAndGet();
            }
        }

        /** A skip (the JDK discarding what is left as it closes) reads the bytes, to watch them. */
        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            if (done) {
                beginRead();
                try {
                    return in.skip(n);
                } finally {
                    readsInProgress.decrementAndGet();
                }
            }
            byte[] b = new byte[(int) Math.min(n, 8192)];
            int r = read(b, 0, b.length);
            return Math.max(r, 0);
        }

        /** Counts a read in; the caller counts it out. Once the close has begun, it fails. */
        private void beginRead() throws SocketException {
            readsInProgress.incrementAndGet();
            if (closing.get()) {
                readsInProgress.decrementAndGet();
                throw new SocketException("Socket closed");
            }
        }

        /** Whether a read or skip is in progress. */
        boolean reading() {
            return readsInProgress.get() > 0;
        }

        private void watch(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                int octet = b[i] & 0xFF;
                if (fragmentLeft == 0) {
                    header[headerRead++] = (byte) octet;
                    if (headerRead == header.length) {
                        headerRead = 0;
                        fragmentLeft = (header[3] & 0xFF) << 8 | (header[4] & 0xFF);
                        alertRecord = header[0] == 21 && fragmentLeft == 2;
                        alertLevel = -1;
                    }
                    continue;
                }
                fragmentLeft--;
                if (alertRecord) {
                    if (alertLevel < 0) {
                        alertLevel = octet;
                    } else if (alertLevel == 2) {
                        fatalAlert = octet;
                    }
                }
            }
        }

        /**
         * What is already there when the socket is closed, watched before it goes. Called only
         * once closing is set and no read is in progress, so no reader of this stream takes the
         * bytes counted as available and the reads here do not block. (Should something past
         * this stream hold the channel's read lock, a second close ends the wait.)
         */
        void drainAvailable() {
            try {
                byte[] b = new byte[512];
                for (int available = in.available(); available > 0 && fatalAlert < 0; available = in.available()) {
                    int n = in.read(b, 0, Math.min(available, b.length));
                    if (n <= 0) {
                        return;
                    }
                    watch(b, 0, n);
                }
            } catch (IOException | RuntimeException e) {
                // Reset or closed: nothing more to see.
            }
        }
    }

    /**
     * Closes the wrapped socket, first watching what is already waiting if the handshake is
     * still on and no read is in progress. A second close, or one while the first still
     * looks, closes the socket at once (closing a socket twice is harmless).
     */
    @Override
    public void close() throws IOException {
        if (closing.compareAndSet(false, true) && !done && fatalAlert < 0 && !in.reading()) {
            in.drainAvailable();
        }
        socket.close();
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        socket.connect(endpoint);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        socket.connect(endpoint, timeout);
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        socket.bind(bindpoint);
    }

    @Override
    public InetAddress getInetAddress() {
        return socket.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return socket.getLocalAddress();
    }

    @Override
    public int getPort() {
        return socket.getPort();
    }

    @Override
    public int getLocalPort() {
        return socket.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return socket.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return socket.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return socket.getChannel();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        socket.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return socket.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        socket.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return socket.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        socket.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        socket.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return socket.getOOBInline();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        socket.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return socket.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        socket.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return socket.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        socket.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return socket.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        socket.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return socket.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        socket.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return socket.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        socket.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return socket.getReuseAddress();
    }

    @Override
    public void shutdownInput() throws IOException {
        socket.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public String toString() {
        return socket.toString();
    }

    @Override
    public boolean isConnected() {
        return socket.isConnected();
    }

    @Override
    public boolean isBound() {
        return socket.isBound();
    }

    @Override
    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        socket.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        socket.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return socket.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return socket.supportedOptions();
    }
}
