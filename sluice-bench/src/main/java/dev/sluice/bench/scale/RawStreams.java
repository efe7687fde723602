package dev.sluice.bench.scale;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Not an HTTP client: the floor under every client on the JVM. One virtual thread per
 * response, a plain blocking {@code SocketChannel}, one GET with {@code Connection: close}, and
 * reads into a 16 KiB direct buffer (sluice's buffer for slow streams) until the server closes;
 * the body's length is checked against the end of the head and the file's size, nothing more
 * is parsed. What any JVM client spends above this is its own.
 *
 * <pre>
 * java -cp sluice-bench.jar dev.sluice.bench.scale.RawStreams --url URL --n 2000 --expect-file FILE
 * </pre>
 */
public final class RawStreams {
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    private RawStreams() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        URI url = URI.create(args.get("url"));
        int n = args.getInt("n", 2000);
        long expectedLength = Files.size(Path.of(args.get("expect-file")));
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("--url must be plain http: " + url);
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        InetSocketAddress address = new InetSocketAddress(url.getHost(), port);
        System.exit(Outcome.rounds(args.getInt("rounds", 1), round -> round(url, n, expectedLength, path, port, address)));
    }

    private static Outcome.Result round(URI url, int n, long expectedLength, String path, int port,
            InetSocketAddress address) throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        Outcome outcome = new Outcome();
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] request = String.format(Locale.ROOT, "GET %s?i=%d HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n",
                    path, i, url.getHost(), port).getBytes(StandardCharsets.ISO_8859_1);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    long body = fetch(address, request);
                    if (body != expectedLength) {
                        throw new IOException("length " + body + " != " + expectedLength);
                    }
                    bytes.addAndGet(body);
                    ok.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    firstError.compareAndSet(null, String.valueOf(e));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return outcome.end(n, (int) ok.get(), bytes.get(), firstError.get());
    }

    /** Sends the request and returns the bytes after the head, read until the server closes. */
    private static long fetch(InetSocketAddress address, byte[] request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(address)) {
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
            long total = 0;
            long headEnd = -1;
            int matched = 0;
            int n;
            while ((n = channel.read(buf)) >= 0) {
                if (headEnd < 0) {
                    for (int i = 0; i < n && headEnd < 0; i++) {
                        byte b = buf.get(i);
                        matched = b == HEAD_END[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                        if (matched == HEAD_END.length) {
                            headEnd = total + i + 1;
                        }
                    }
                }
                total += n;
                buf.clear();
            }
            if (headEnd < 0) {
                throw new IOException("no complete response head in " + total + " bytes");
            }
            return total - headEnd;
        }
    }
}
