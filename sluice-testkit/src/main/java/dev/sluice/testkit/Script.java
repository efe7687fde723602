package dev.sluice.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * What a {@link ScriptedServer} does on one connection (or for one request): a list of
 * steps run in order, built fluently.
 * <pre>{@code
 * c -> c.expectRequest()
 *       .send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
 *       .sendInPieces("0123456789", 3)
 *       .stallUntil("more").reset()
 * }</pre>
 * Strings are sent as ISO-8859-1, one byte per char, so any byte can be written.
 *
 * <p>A script that ends without {@link #close()}, {@link #reset()} or
 * {@link #closeWithoutCloseNotify()} leaves the connection open and waits for the client to
 * close it (as {@link #awaitClientClose()}); bytes the client sends meanwhile are a failure.
 */
public final class Script {

    /** One step; {@link ConnectionRunner} runs them in one exhaustive switch. */
    sealed interface Step {
        /**
         * Read a request head and, if {@code withBody}, its body; record it. With
         * {@code continueFirst}, send {@code 100 Continue} between the two.
         */
        record ExpectRequest(boolean withBody, boolean continueFirst) implements Step {}

        /** Write {@code bytes} in pieces of {@code pieceBytes}, flushing each. */
        record Send(byte[] bytes, int pieceBytes) implements Step {}

        /** Write {@code length} {@link PatternBytes} from {@code offset}. */
        record SendPattern(long offset, long length) implements Step {}

        /** Pace later writes on this connection at {@code bytesPerSecond}. */
        record Throttle(long bytesPerSecond) implements Step {}

        /** Block until the gate opens. */
        record Stall(String description, Gate gate) implements Step {}

        /** Read until the client closes; any byte read is a failure. */
        record AwaitClientClose() implements Step {}

        record ShutdownOutput() implements Step {}

        /** Read and drop {@code bytes} bytes the client sends (part of a request body). */
        record Discard(long bytes) implements Step {}

        /** Hand the connection to the server's request handlers until the client closes. */
        record ServeRequests() implements Step {}

        /** End the connection; the last step of a script. */
        record Close(Ending ending) implements Step {}
    }

    /** How a script ends its connection. */
    enum Ending {
        /** {@code close()}: FIN, after a TLS close_notify on TLS connections. */
        CLOSE,
        /** Close the TCP socket without a TLS close_notify (same as CLOSE on plain TCP). */
        CLOSE_WITHOUT_CLOSE_NOTIFY,
        /** {@code setSoLinger(true, 0)} then close: the client sees a reset. */
        RESET
    }

    /** Something a stalled step waits on; the server gives access to named gates. */
    @FunctionalInterface
    interface Gate {
        void await(ScriptedServer server) throws Exception;
    }

    private final List<Step> steps = new ArrayList<>();
    private boolean ended;

    Script() {}

    List<Step> steps() {
        return List.copyOf(steps);
    }

    /** Reads a request head and its body (by Content-Length or chunked) and records them. */
    public Script expectRequest() {
        return add(new Step.ExpectRequest(true, false));
    }

    /**
     * Reads a request head, answers {@code 100 Continue} (as a server does to
     * {@code Expect: 100-continue}), then reads and records the body.
     */
    public Script expectRequestAfterContinue() {
        return add(new Step.ExpectRequest(true, true));
    }

    /** Reads and records a request head only; a body the client sends stays unread. */
    public Script expectRequestHead() {
        return add(new Step.ExpectRequest(false, false));
    }

    /**
     * Reads and drops the next {@code bytes} bytes the client sends: part of a request body
     * left unread by {@link #expectRequestHead()}, as a server that stops reading midway.
     */
    public Script discard(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
        }
        return add(new Step.Discard(bytes));
    }

    /** Sends {@code text} as ISO-8859-1 bytes in one write. */
    public Script send(String text) {
        return send(latin1(text));
    }

    /** Sends {@code bytes} in one write. */
    public Script send(byte[] bytes) {
        return add(new Step.Send(bytes.clone(), Math.max(bytes.length, 1)));
    }

    /** Sends {@code text} in pieces of {@code pieceBytes}, each written and flushed on its own. */
    public Script sendInPieces(String text, int pieceBytes) {
        return sendInPieces(latin1(text), pieceBytes);
    }

    /** Sends {@code bytes} in pieces of {@code pieceBytes}, each written and flushed on its own. */
    public Script sendInPieces(byte[] bytes, int pieceBytes) {
        if (pieceBytes < 1) {
            throw new IllegalArgumentException("pieceBytes must be at least 1: " + pieceBytes);
        }
        return add(new Step.Send(bytes.clone(), pieceBytes));
    }

    /** Sends {@code length} {@link PatternBytes} from offset 0, generated as they go. */
    public Script sendPattern(long length) {
        return sendPattern(0, length);
    }

    /** Sends {@code length} {@link PatternBytes} from {@code offset} (for Range and resume). */
    public Script sendPattern(long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must be >= 0: " + offset + ", " + length);
        }
        return add(new Step.SendPattern(offset, length));
    }

    /** Paces every later write on this connection at {@code bytesPerSecond}. */
    public Script throttle(long bytesPerSecond) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("bytesPerSecond must be at least 1: " + bytesPerSecond);
        }
        return add(new Step.Throttle(bytesPerSecond));
    }

    /** Blocks until the test calls {@link ScriptedServer#release(String) server.release(name)}. */
    public Script stallUntil(String name) {
        Objects.requireNonNull(name, "name");
        return add(new Step.Stall("gate \"" + name + "\"", server -> server.gate(name).get()));
    }

    /** Blocks until {@code latch} reaches zero. */
    public Script stallUntil(CountDownLatch latch) {
        Objects.requireNonNull(latch, "latch");
        return add(new Step.Stall(latch.toString(), server -> latch.await()));
    }

    /**
     * Counts {@code latch} down once every step before it has run: the test learns, say, that
     * bytes were written (on loopback they are then in the client's receive queue).
     */
    public Script signal(CountDownLatch latch) {
        Objects.requireNonNull(latch, "latch");
        return add(new Step.Stall("signal " + latch, server -> latch.countDown()));
    }

    /** Blocks until {@code future} completes (normally or not). */
    public Script stallUntil(CompletableFuture<?> future) {
        Objects.requireNonNull(future, "future");
        return add(new Step.Stall(future.toString(), server -> {
            try {
                future.get(); // get(), unlike join(), lets close() interrupt the stall
            } catch (ExecutionException | CancellationException completedExceptionally) {
                // Any completion releases the stall; the test owns the outcome.
            }
        }));
    }

    /**
     * Reads until the client closes its side (read returns -1 or the connection is reset) and
     * records that it did ({@link ScriptedServer#awaitClientClose}). Bytes read are a failure.
     */
    public Script awaitClientClose() {
        return add(new Step.AwaitClientClose());
    }

    /** Half-closes: the client reads end of stream, but may still send. */
    public Script shutdownOutput() {
        return add(new Step.ShutdownOutput());
    }

    /**
     * Serves requests with the server's {@code onRequest}/{@code onEveryRequest} handlers until
     * the client closes or a handler ends the connection (this is what connections without a
     * script do).
     */
    public Script serveRequests() {
        return add(new Step.ServeRequests());
    }

    /** Closes the connection (a TLS close_notify first on TLS). Ends the script. */
    public Script close() {
        return end(Ending.CLOSE);
    }

    /** Closes the TCP connection with no TLS close_notify (a truncation). Ends the script. */
    public Script closeWithoutCloseNotify() {
        return end(Ending.CLOSE_WITHOUT_CLOSE_NOTIFY);
    }

    /** Resets the connection ({@code setSoLinger(true, 0)}, close). Ends the script. */
    public Script reset() {
        return end(Ending.RESET);
    }

    private Script end(Ending ending) {
        add(new Step.Close(ending));
        ended = true;
        return this;
    }

    private Script add(Step step) {
        if (ended) {
            throw new IllegalStateException("no step may follow close(), closeWithoutCloseNotify() or reset()");
        }
        steps.add(step);
        return this;
    }

    private static byte[] latin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xff) {
                throw new IllegalArgumentException("char at " + i + " is not ISO-8859-1: " + text);
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
