package dev.sluice.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Runs the script of one accepted connection on its own (virtual) thread.
 *
 * <p>Theory of operation: steps run in order in one exhaustive switch. Two kinds of trouble
 * end a connection. An I/O error means the client went away (it closed or reset while we
 * wrote, or failed the TLS handshake): it is recorded as a client close, not a failure,
 * because hostile-response tests make clients abort all the time. A broken expectation (a
 * request was expected but the client closed, a malformed request, unexpected bytes, no
 * handler for a request, an exception from a test's lambda) is an {@link AssertionError}
 * that the server keeps and rethrows from {@link ScriptedServer#close()}.
 */
final class ConnectionRunner implements Runnable {

    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;
    /** Largest single write while throttled, in bytes; smaller rates write rate/20 at a time. */
    private static final int THROTTLE_SLICE_BYTES = 16 * 1024;

    private final ScriptedServer server;
    private final int index;
    private final Socket tcp;
    private final SSLContext tls;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private long bytesPerSecond;
    private long throttleStartNanos;
    private long throttledBytes;
    private String currentStep = "start";

    // Written by this runner, read by waiters under the server's lock.
    volatile boolean clientClosed;
    volatile boolean open = true;
    volatile Thread thread;

    ConnectionRunner(ScriptedServer server, int index, Socket tcp, SSLContext tls) {
        this.server = server;
        this.index = index;
        this.tcp = tcp;
        this.tls = tls;
    }

    int index() {
        return index;
    }

    @Override
    public void run() {
        try {
            socket = tls == null ? tcp : startTls();
            in = new BufferedInputStream(socket.getInputStream(), READ_BUFFER_BYTES);
            out = socket.getOutputStream();
            currentStep = "building the connection script";
            Script script = server.scriptForConnection(index);
            if (!runSteps(script.steps())) {
                currentStep = "waiting for the client to close after the script ended";
                awaitClientClose();
                end(Script.Ending.CLOSE);
            }
        } catch (IOException e) {
            // The client went away; see the theory of operation above.
            markClientClosed();
        } catch (InterruptedException e) {
            // The server is closing.
        } catch (Throwable e) {
            server.fail(new AssertionError("connection " + index + ", " + currentStep + ": " + e.getMessage(), e));
        } finally {
            closeQuietly();
        }
    }

    private Socket startTls() throws IOException {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(tcp, null, tcp.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.startHandshake();
        return ssl;
    }

    /** Runs steps; returns true when one of them ended the connection. */
    private boolean runSteps(List<Script.Step> steps) throws Exception {
        for (Script.Step step : steps) {
            currentStep = "step " + step;
            switch (step) {
                case Script.Step.ExpectRequest expect -> {
                    if (readRequest(expect.withBody(), true, expect.continueFirst()) == null) {
                        throw new AssertionError("expected a request, but the client closed the connection");
                    }
                }
                case Script.Step.Send send -> sendInPieces(send.bytes(), send.pieceBytes());
                case Script.Step.SendPattern pattern -> sendPattern(pattern.offset(), pattern.length());
                case Script.Step.Throttle throttle -> {
                    bytesPerSecond = throttle.bytesPerSecond();
                    throttleStartNanos = System.nanoTime();
                    throttledBytes = 0;
                }
                case Script.Step.Stall stall -> stall.gate().await(server);
                case Script.Step.AwaitClientClose ignored -> awaitClientClose();
                case Script.Step.ShutdownOutput ignored -> socket.shutdownOutput();
                case Script.Step.Discard discard -> in.skipNBytes(discard.bytes());
                case Script.Step.ServeRequests ignored -> {
                    serveRequests();
                    return true;
                }
                case Script.Step.Close close -> {
                    end(close.ending());
                    return true;
                }
            }
        }
        return false;
    }

    /** Serves requests with the server's handlers until the client or a handler ends the connection. */
    private void serveRequests() throws Exception {
        while (true) {
            currentStep = "serving requests: reading a request";
            RecordedRequest request = readRequest(true, false, false);
            if (request == null) {
                end(Script.Ending.CLOSE);
                return;
            }
            currentStep = "serving requests: building the script for " + request;
            Script script = server.scriptForRequest(request);
            if (runSteps(script.steps())) {
                return;
            }
        }
    }

    /**
     * Reads and records one request; returns null (and records the client close) when the
     * client closed or reset before its first byte. When {@code required}, a reset there is
     * reported like a close so the caller can fail with one message.
     */
    private RecordedRequest readRequest(boolean withBody, boolean required, boolean continueFirst)
            throws IOException {
        RequestReader.Head head;
        try {
            head = RequestReader.readHead(in);
        } catch (IOException e) {
            if (!required) {
                throw e;
            }
            head = null;
        }
        if (head == null) {
            markClientClosed();
            return null;
        }
        if (continueFirst) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body = withBody ? RequestReader.readBody(in, head) : new byte[0];
        return server.record(index, head, body);
    }

    private void sendInPieces(byte[] bytes, int pieceBytes) throws IOException, InterruptedException {
        for (int from = 0; from < bytes.length; from += pieceBytes) {
            write(bytes, from, Math.min(pieceBytes, bytes.length - from));
        }
    }

    private void sendPattern(long offset, long length) throws IOException, InterruptedException {
        byte[] buffer = new byte[(int) Math.min(WRITE_BUFFER_BYTES, Math.max(length, 1))];
        long sent = 0;
        while (sent < length) {
            int n = (int) Math.min(buffer.length, length - sent);
            PatternBytes.fill(buffer, 0, n, offset + sent);
            write(buffer, 0, n);
            sent += n;
        }
    }

    private void write(byte[] bytes, int from, int length) throws IOException, InterruptedException {
        if (bytesPerSecond == 0) {
            out.write(bytes, from, length);
            out.flush();
            return;
        }
        int slice = (int) Math.max(1, Math.min(THROTTLE_SLICE_BYTES, bytesPerSecond / 20));
        int done = 0;
        while (done < length) {
            long dueNanos = throttleStartNanos + throttledBytes * 1_000_000_000L / bytesPerSecond;
            long waitNanos = dueNanos - System.nanoTime();
            if (waitNanos > 0) {
                TimeUnit.NANOSECONDS.sleep(waitNanos); // pacing the wire, not synchronising a test
            }
            int n = Math.min(slice, length - done);
            out.write(bytes, from + done, n);
            out.flush();
            done += n;
            throttledBytes += n;
        }
    }

    private void awaitClientClose() {
        byte[] buffer = new byte[1024];
        int n;
        try {
            n = in.read(buffer);
        } catch (IOException resetOrTruncated) {
            n = -1;
        }
        if (n > 0) {
            throw new AssertionError("expected the client to close, but it sent " + n + " bytes: "
                    + RequestReader.quote(new String(buffer, 0, n, StandardCharsets.ISO_8859_1)));
        }
        markClientClosed();
    }

    private void end(Script.Ending ending) throws IOException {
        switch (ending) {
            case CLOSE -> socket.close();
            case CLOSE_WITHOUT_CLOSE_NOTIFY -> tcp.close();
            case RESET -> {
                tcp.setSoLinger(true, 0);
                tcp.close();
            }
        }
        markServerClosed();
    }

    /** Closes the TCP socket from any thread; used by the server on close. */
    void abort() {
        try {
            tcp.close();
        } catch (IOException ignored) {
            // Closing is best effort; the runner ends either way.
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void closeQuietly() {
        try {
            if (socket != null && socket != tcp) {
                tcp.setSoLinger(true, 1); // never wait long to flush a close_notify nobody reads
                socket.close();
            }
        } catch (IOException ignored) {
            // The TCP close below is what matters.
        }
        try {
            tcp.close();
        } catch (IOException ignored) {
            // Already closed or reset.
        }
        markServerClosed();
    }

    private void markClientClosed() {
        if (!clientClosed) {
            clientClosed = true;
            server.signal();
        }
    }

    private void markServerClosed() {
        if (open) {
            open = false;
            server.signal();
        }
    }
}
