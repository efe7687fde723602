package dev.sluice.cli.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's network: the JDK's HTTP server on 127.0.0.1, one virtual thread per exchange,
 * serving {@link GeneratedFiles} at {@code /files/NAME} with a simulated round trip and a
 * simulated bandwidth per connection.
 *
 * <p>The round trip is one sleep before the response head, once per request (a real request
 * costs at least one round trip before its first byte; a new connection's handshake is not
 * simulated). The bandwidth is a pace: the body goes out in pieces of at most 64 KiB, small
 * enough that one leaves every {@value #PIECE_MILLIS} ms, and each piece leaves at the time
 * at which all its bytes were due. An HTTP/1.1 connection carries one
 * exchange at a time, so pacing each exchange is pacing each connection.
 *
 * <p>Each piece leaves at once: the server's connections have TCP_NODELAY on (see
 * {@link #NO_DELAY}). With Nagle's algorithm a piece's last short segment waited for the
 * client's delayed ACK, about 40 ms, once per file whose size is not a multiple of 64 KiB: a
 * delay of the loopback stack, not of the simulated network, which made the sequential modes
 * look slower than the network they simulate.
 */
final class DemoServer implements AutoCloseable {
    /** Pieces small enough to go out this often keep the client's reads regular. */
    static final int PIECE_MILLIS = 50;
    private static final String PREFIX = "/files/";
    private static final String WARM_UP = "/warm-up";
    /**
     * The JDK server's switch for TCP_NODELAY on the connections it accepts. It has no API for
     * it: the property is read once, when the server's implementation initialises, so it has to
     * be set before the first {@link HttpServer} of this JVM is created (in {@code sluice demo}
     * this server is the only one). A value the user gave, say {@code -D...=false}, is kept.
     */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private final GeneratedFiles files;
    private final long latencyNanos;
    private final long bytesPerSecond;
    private final int pieceBytes;
    private final HttpServer server;
    private final ExecutorService executor;
    /** A test hook: the index of a file served with one byte flipped, or -1. */
    private volatile int corruptedFile = -1;

    private DemoServer(GeneratedFiles files, long latencyMillis, long bytesPerSecond) throws IOException {
        this.files = files;
        this.latencyNanos = TimeUnit.MILLISECONDS.toNanos(latencyMillis);
        this.bytesPerSecond = bytesPerSecond;
        this.pieceBytes = Math.clamp(bytesPerSecond * PIECE_MILLIS / 1000, 1, GeneratedFiles.BLOCK_BYTES);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts a server on a free port of 127.0.0.1. */
    static DemoServer start(GeneratedFiles files, long latencyMillis, long bytesPerSecond) throws IOException {
        DemoServer s = new DemoServer(files, latencyMillis, bytesPerSecond);
        s.server.start();
        return s;
    }

    /** {@code http://127.0.0.1:PORT/files/NAME} of file {@code index}. */
    URI uriOf(int index) {
        return URI.create("http://" + authority() + PREFIX + files.name(index));
    }

    /** A small resource served at once, without latency or pacing. */
    URI warmUpUri() {
        return URI.create("http://" + authority() + WARM_UP);
    }

    String authority() {
        InetSocketAddress a = server.getAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** From now on file {@code index} is served with its middle byte flipped (for tests of verification). */
    void corruptFile(int index) {
        corruptedFile = index;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestURI().getPath().equals(WARM_UP)) {
                byte[] block = new byte[GeneratedFiles.BLOCK_BYTES];
                exchange.sendResponseHeaders(200, block.length);
                exchange.getResponseBody().write(block);
                return;
            }
            int index = indexOf(exchange.getRequestURI().getPath());
            if (index < 0 || !exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            sleepUntil(System.nanoTime() + latencyNanos);
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, files.size());
            writeBody(index, exchange.getResponseBody());
        }
    }

    private void writeBody(int index, OutputStream out) throws IOException {
        byte[] block = new byte[GeneratedFiles.BLOCK_BYTES];
        long flip = index == corruptedFile ? files.size() / 2 : -1;
        long start = System.nanoTime();
        long sent = 0;
        for (long b = 0; b < files.blockCount(); b++) {
            int length = files.fillBlock(index, b, block);
            long blockStart = b * GeneratedFiles.BLOCK_BYTES;
            if (flip >= blockStart && flip < blockStart + length) {
                block[(int) (flip - blockStart)] ^= 0x01;
            }
            for (int off = 0; off < length; off += pieceBytes) {
                int n = Math.min(pieceBytes, length - off);
                // A piece leaves once all its bytes were due, the last one when the whole file
                // was: no transfer beats the simulated bandwidth (sleeping after the write sent
                // each piece one piece-time early, and a file of one piece at once).
                sleepUntil(start + (long) ((sent + n) * 1e9 / bytesPerSecond));
                out.write(block, off, n);
                out.flush();
                sent += n;
            }
        }
    }

    /** The file a path names, or -1. */
    private int indexOf(String path) {
        if (path == null || !path.startsWith(PREFIX) || !path.endsWith(".bin")) {
            return -1;
        }
        String name = path.substring(PREFIX.length());
        int index;
        try {
            index = Integer.parseInt(name, 0, name.length() - ".bin".length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
        return index >= 0 && index < files.count() && files.name(index).equals(name) ? index : -1;
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedIOException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedIOException("demo server stopped");
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
