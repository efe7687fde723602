package dev.sluice.bench.scale;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Not an HTTP client: the floor under every client on the JVM for {@link SluiceFiles}'s job.
 * C virtual threads, each with one kept-alive blocking {@code SocketChannel}, take the next of
 * N files, send a bare GET, find the end of the head and its {@code Content-Length}, and read
 * that many bytes into one 128 KiB direct buffer (the size sluice's buffer reaches on a fast
 * body), writing them to the file or dropping them. Nothing else is parsed or checked: a server
 * that sent chunked bodies or closed would break it. What any JVM client spends above this is
 * its own.
 *
 * <pre>
 * java -cp sluice-bench.jar dev.sluice.bench.scale.RawFiles --base URL/ --n 1000 --size 1048576 \
 *      --concurrency 16 --sink file|discard --dir DIR
 * </pre>
 */
public final class RawFiles {
    private static final int BUFFER_BYTES = 128 * 1024;
    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.ISO_8859_1);

    private RawFiles() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        URI base = URI.create(args.get("base"));
        int n = args.getInt("n", 1000);
        long size = Long.parseLong(args.get("size"));
        int concurrency = args.getInt("concurrency", 16);
        boolean toFile = args.get("sink", "file").equals("file");
        Path dir = toFile ? Files.createDirectories(Path.of(args.get("dir"))) : null;
        if (!"http".equals(base.getScheme())) {
            throw new IllegalArgumentException("--base must be plain http: " + base);
        }
        int port = base.getPort() < 0 ? 80 : base.getPort();
        InetSocketAddress address = new InetSocketAddress(base.getHost(), port);
        String requestStart = "GET " + base.getRawPath();
        String requestEnd = " HTTP/1.1\r\nHost: " + base.getHost() + ":" + port + "\r\n\r\n";

        AtomicInteger next = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        Outcome outcome = new Outcome();
        List<Thread> threads = new ArrayList<>(concurrency);
        for (int t = 0; t < concurrency; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (SocketChannel channel = SocketChannel.open(address)) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        String name = SluiceFiles.name(i);
                        byte[] request = (requestStart + name + requestEnd).getBytes(StandardCharsets.ISO_8859_1);
                        long got = fetch(channel, ByteBuffer.wrap(request), buf, toFile ? dir.resolve(name) : null);
                        bytes.addAndGet(got);
                        ok.addAndGet(got == size ? 1 : 0);
                    }
                } catch (IOException | RuntimeException e) {
                    firstError.compareAndSet(null, String.valueOf(e));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        System.exit(outcome.end(n, (int) ok.get(), bytes.get(), firstError.get()).print());
    }

    /** Sends one request, reads its head and then Content-Length bytes; returns that length. */
    private static long fetch(SocketChannel channel, ByteBuffer request, ByteBuffer buf, Path file) throws IOException {
        while (request.hasRemaining()) {
            channel.write(request);
        }
        buf.clear();
        int headEnd = -1;
        while (headEnd < 0) {
            if (!buf.hasRemaining() || channel.read(buf) < 0) {
                throw new IOException("no complete response head");
            }
            headEnd = indexOfHeadEnd(buf);
        }
        long length = contentLength(buf, headEnd);
        buf.flip().position(headEnd);
        try (FileChannel out = file == null ? null : FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long got = 0;
            while (true) {
                got += buf.remaining();
                if (out != null) {
                    while (buf.hasRemaining()) {
                        out.write(buf);
                    }
                }
                if (got >= length) {
                    return got;
                }
                buf.clear().limit((int) Math.min(buf.capacity(), length - got));
                if (channel.read(buf) < 0) {
                    throw new IOException("closed after " + got + " of " + length + " bytes");
                }
                buf.flip();
            }
        }
    }

    private static int indexOfHeadEnd(ByteBuffer buf) {
        for (int i = 3; i < buf.position(); i++) {
            if (buf.get(i) == '\n' && buf.get(i - 1) == '\r' && buf.get(i - 2) == '\n' && buf.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private static long contentLength(ByteBuffer buf, int headEnd) throws IOException {
        outer:
        for (int i = 0; i + CONTENT_LENGTH.length < headEnd; i++) {
            for (int k = 0; k < CONTENT_LENGTH.length; k++) {
                if (Character.toLowerCase(buf.get(i + k)) != CONTENT_LENGTH[k]) {
                    continue outer;
                }
            }
            long value = 0;
            for (int j = i + CONTENT_LENGTH.length; buf.get(j) != '\r'; j++) {
                byte b = buf.get(j);
                if (b >= '0' && b <= '9') {
                    value = value * 10 + (b - '0');
                }
            }
            return value;
        }
        throw new IOException("no Content-Length in the head");
    }
}
