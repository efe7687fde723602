package dev.sluice.engine;

import dev.sluice.RequestBody;
import dev.sluice.SluiceException;
import dev.sluice.codec.ChunkedEncoder;
import dev.sluice.codec.ServerText;
import dev.sluice.net.Connection;
import dev.sluice.net.Deadline;
import dev.sluice.net.BodyFileException;
import dev.sluice.net.DeadlineExceededException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Writes one request, head and body, to a connection, each write bounded by the exchange's
 * deadlines. A failure of the body's own source (the caller's stream or file) is told apart
 * from the network's, so that {@link Exchange} reports it as the caller's; unless the
 * exchange's total deadline interrupted that source's read, which is then the total timeout.
 */
final class RequestWriter {
    /** Request bodies up to this size go out in the same write as the head. */
    private static final int COALESCE_BODY_BYTES = 16 * 1024;
    private static final int STREAM_CHUNK = 64 * 1024;

    private final Connection conn;
    private final Timeouts timeouts;
    /** Told while the body is read from the caller's stream, which its total deadline may interrupt. */
    private final Exchange exchange;

    RequestWriter(Connection conn, Timeouts timeouts, Exchange exchange) {
        this.conn = conn;
        this.timeouts = timeouts;
        this.exchange = exchange;
    }

    /**
     * Opens the file of a {@link RequestBody.OfPath} body, before any connection is made: a file
     * the caller cannot read is a local failure, a plain {@link IOException} naming the URL, and
     * the server sees nothing. Null for other bodies. The channel serves every attempt, since
     * {@link #write} reads it by position.
     */
    static FileChannel openBodyFile(URI uri, RequestBody body) throws IOException {
        if (!(body instanceof RequestBody.OfPath p)) {
            return null;
        }
        try {
            return FileChannel.open(p.file(), StandardOpenOption.READ);
        } catch (IOException e) {
            throw new IOException(ServerText.url(uri) + ": cannot read request body file " + p.file() + ": " + reason(e), e);
        }
    }

    /** Sends only the encoded head: the body waits for the server's 100 Continue. */
    void writeHead(byte[] headBytes) throws IOException {
        write(ByteBuffer.wrap(headBytes));
    }

    /**
     * Sends the body after a head sent on its own; {@code body} is not null. An
     * {@link UploadWatch} looks on meanwhile (on plain connections): when it has stopped the sending,
     * because the server answered and stopped taking the body, this fails with an
     * {@link IOException} the exchange then takes for an early answer, which it reads. Interim
     * (1xx) heads, a 100 Continue that comes after the wait for it gave up among them, are no
     * such answer ({@link dev.sluice.net.Connection#hasFinalAnswerWaiting}).
     */
    void writeBody(RequestBody body, FileChannel bodyFile) throws IOException {
        writeWatched(body, bodyFile, UploadWatch.start(conn, timeouts.read()));
    }

    private void writeWatched(RequestBody body, FileChannel bodyFile, UploadWatch watch) throws IOException {
        boolean stopped = false;
        try {
            try {
                switch (body) {
                    case RequestBody.OfBytes b -> write(ByteBuffer.wrap(b.bytes()));
                    case RequestBody.OfPath p -> conn.writeFile(bodyFile, 0, p.size(), timeouts.read().toNanos(),
                            timeouts.totalDeadlineNanos());
                    case RequestBody.OfStream s -> writeStreamBody(s);
                }
            } finally {
                stopped = UploadWatch.finish(watch); // however the body ended
            }
        } catch (LocalBodyFailure | BodyFileException | DeadlineExceededException | java.io.InterruptedIOException e) {
            throw e; // the caller's source failed, or a deadline passed: that is the failure, whatever the server did
        } catch (IOException e) {
            throw stopped ? stoppedSending(e) : e;
        }
        if (stopped) {
            // The last bytes went out as the watch gave up on them: the sending side is shut all the same.
            throw stoppedSending(null);
        }
    }

    private static IOException stoppedSending(IOException cause) {
        return new IOException("stopped sending the request body: the server answered and stopped reading it",
                cause);
    }

    /**
     * Looks at a plain connection while a request body goes out, on a virtual thread of its
     * own. A server that has answered and stopped taking the body (a 413 halfway through an
     * upload, its connection left open) would leave the write blocked until the read timeout;
     * RFC 9112 §9.5 has a client watch for an answer while it sends. When an answer waits
     * unread and a write has been blocked for {@link #STALL_NANOS} without a byte going out
     * (a third of the read timeout when that is shorter: the blocked write's own deadline would
     * otherwise end the exchange first, as a timeout, the answer unread), the watch shuts the
     * connection's sending side: the blocked write fails, and the exchange reads the answer.
     * Time spent reading the caller's stream does not count, and a server
     * that answers early and goes on reading (full duplex) gets the whole body. Not on
     * TLS: a TLS socket cannot stop sending and still read (a failed write closes it), so there
     * the read timeout ends such an upload.
     */
    private static final class UploadWatch {
        private static final long POLL_NANOS = 100_000_000L;
        private static final long STALL_NANOS = 2_000_000_000L;
        private static final int WATCHING = 0;
        private static final int DONE = 1;
        private static final int STOPPED = 2;

        private final Connection conn;
        private final long stallNanos;
        private final long pollNanos;
        private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
        private Thread thread;

        private UploadWatch(Connection conn, Duration readTimeout) {
            this.conn = conn;
            this.stallNanos = Math.max(1, Math.min(STALL_NANOS, readTimeout.toNanos() / 3));
            this.pollNanos = Math.max(1, Math.min(POLL_NANOS, stallNanos / 4));
        }

        /** A watch over {@code conn}'s upload under {@code readTimeout}, or null on TLS. */
        static UploadWatch start(Connection conn, Duration readTimeout) {
            if (conn.isTls()) {
                return null;
            }
            UploadWatch w = new UploadWatch(conn, readTimeout);
            w.thread = Thread.ofVirtual().name("sluice-upload-watch-" + conn.id()).start(w::watch);
            return w;
        }

        private void watch() {
            long sent = conn.bytesSent();
            long stalledSince = System.nanoTime();
            while (state.get() == WATCHING) {
                java.util.concurrent.locks.LockSupport.parkNanos(pollNanos);
                long now = System.nanoTime();
                long nowSent = conn.bytesSent();
                if (nowSent != sent || !conn.isWriting() || !conn.hasFinalAnswerWaiting()) {
                    sent = nowSent;
                    stalledSince = now;
                } else if (now - stalledSince >= stallNanos && state.compareAndSet(WATCHING, STOPPED)) {
                    conn.stopSending();
                    return;
                }
            }
        }

        /**
         * Ends the watch ({@code watch} may be null): true when it stopped the sending. Returns
         * once the watch's thread has ended: what it read into the connection's buffer is then
         * the owner's to read.
         */
        static boolean finish(UploadWatch watch) {
            if (watch == null) {
                return false;
            }
            boolean stopped = !watch.state.compareAndSet(WATCHING, DONE) && watch.state.get() == STOPPED;
            java.util.concurrent.locks.LockSupport.unpark(watch.thread);
            boolean interrupted = false;
            while (true) {
                try {
                    watch.thread.join(); // at once: it looks at the state right after its park
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return stopped;
        }
    }

    /**
     * Sends a body read from the caller's stream. No deadline of ours bounds a read of that
     * stream (a pipe that stays silent), so the exchange's total deadline interrupts this thread
     * while it is in here ({@link Exchange#enterStreamBody}); whatever that interrupt then
     * broke, the stream's read or a write to the connection the deadline closed, is the total
     * timeout, and the interrupt, ours and not the caller's, does not outlast this method.
     */
    private void writeStreamBody(RequestBody.OfStream s) throws IOException {
        exchange.enterStreamBody();
        boolean interrupted = false;
        try {
            try {
                if (s.length().isPresent()) {
                    writeStream(s.in(), s.length().getAsLong());
                } else {
                    writeChunked(s.in());
                }
            } finally {
                interrupted = exchange.leaveStreamBody(); // however it ended: no interrupt may follow
            }
        } catch (IOException | RuntimeException e) {
            if (interrupted) {
                throw totalDeadlinePassed(e);
            }
            throw e;
        }
        if (interrupted) {
            // Interrupted after the last read: the deadline has closed the connection all the same.
            throw totalDeadlinePassed(null);
        }
    }

    private static DeadlineExceededException totalDeadlinePassed(Exception cause) {
        var timeout = new DeadlineExceededException(Deadline.TOTAL, DeadlineExceededException.Stage.EXCHANGE, "total deadline passed");
        timeout.initCause(cause);
        return timeout;
    }

    /** Sends the encoded head and the body; the body of a {@link RequestBody.OfPath} comes from {@code bodyFile}. */
    void write(byte[] headBytes, RequestBody body, FileChannel bodyFile) throws IOException {
        switch (body) {
            case null -> write(ByteBuffer.wrap(headBytes));
            case RequestBody.OfBytes b when b.bytes().length <= COALESCE_BODY_BYTES -> {
                ByteBuffer all = ByteBuffer.allocate(headBytes.length + b.bytes().length);
                write(all.put(headBytes).put(b.bytes()).flip());
            }
            default -> {
                writeHead(headBytes);
                writeBody(body, bodyFile);
            }
        }
    }

    /**
     * A failure of the request body's own stream, the caller's, as opposed to the network: it
     * reaches the caller as a plain {@link IOException} naming the URL, not as a
     * {@link SluiceException}.
     */
    static final class LocalBodyFailure extends IOException {
        private static final long serialVersionUID = 1L;

        LocalBodyFailure(String message, IOException cause) {
            super(message, cause);
        }
    }

    private static String reason(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException missing -> "no such file or directory";
            case java.nio.file.AccessDeniedException denied -> "permission denied";
            case java.nio.file.FileSystemException fs when fs.getReason() != null -> fs.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }

    /** A read from the caller's request body stream, its failure told apart from the network's. */
    private static int readBody(InputStream in, byte[] chunk, int length) throws LocalBodyFailure {
        try {
            return in.read(chunk, 0, length);
        } catch (IOException e) {
            throw new LocalBodyFailure("cannot read request body stream: " + reason(e), e);
        }
    }

    /**
     * Writes {@code src} a slice at a time, each under a deadline of its own: the read timeout
     * bounds a silence, and one deadline for a whole body of 64 MiB ended an upload that was
     * moving, at 1 MB/s, as a silence of 30 s.
     */
    private void write(ByteBuffer src) throws IOException {
        int limit = src.limit();
        while (src.hasRemaining()) {
            src.limit(Math.min(limit, src.position() + Connection.PROGRESS_SLICE));
            long deadline = timeouts.ioDeadlineNanos();
            try {
                conn.write(src, deadline, timeouts.ioDeadlineKind(deadline));
            } finally {
                src.limit(limit);
            }
        }
    }

    private void writeStream(InputStream in, long length) throws IOException {
        byte[] chunk = new byte[STREAM_CHUNK];
        long left = length;
        while (left > 0) {
            int n = readBody(in, chunk, (int) Math.min(chunk.length, left));
            if (n < 0) {
                throw new LocalBodyFailure("request body stream ended " + left + " bytes before its declared length "
                        + length, null);
            }
            write(ByteBuffer.wrap(chunk, 0, n));
            left -= n;
        }
    }

    private void writeChunked(InputStream in) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(STREAM_CHUNK + 32);
        byte[] chunk = new byte[STREAM_CHUNK];
        int n;
        while ((n = readBody(in, chunk, chunk.length)) >= 0) {
            if (n == 0) {
                continue;
            }
            out.clear();
            out.put(ChunkedEncoder.chunkHeader(n)).put(chunk, 0, n).put(ChunkedEncoder.CRLF);
            write(out.flip());
        }
        write(ByteBuffer.wrap(ChunkedEncoder.lastChunk()));
    }
}
