package dev.sluice;

import dev.sluice.codec.ServerText;
import dev.sluice.engine.Exchange;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A response whose head has arrived and whose body is still on the wire. Close it (or read
 * the body to its end) to free the connection: try-with-resources is the way.
 *
 * <pre>{@code
 * try (Response r = client.send(Request.get("https://example.org/big.iso"))) {
 *     r.raiseForStatus();
 *     long n = r.body().transferTo(Path.of("big.iso"));
 * }
 * }</pre>
 *
 * <p>A response dropped unclosed, its body not read to the end, holds its pool slot until the
 * garbage collector finds it (and its body and body streams) unreachable: its connection is
 * then closed, not reused, and a WARNING naming the URL is logged through {@link System.Logger}.
 * That is a safety net, not a way to end responses: until a collection, the slot stays taken.
 */
public final class Response implements AutoCloseable {
    private final Request request;
    private final int status;
    private final String reason;
    private final Headers headers;
    private final List<Redirect> history;
    private final Exchange exchange;
    private final Body body;

    Response(Request request, int status, String reason, Headers headers, List<Redirect> history,
             Exchange exchange, Body body) {
        this.request = request;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.history = List.copyOf(history);
        this.exchange = exchange;
        this.body = body;
    }

    /**
     * The status code as the server sent it, such as 200. Any three digits are taken: one
     * below 100 or above 599 is invalid, and RFC 9110 §15 has a client treat it as a 5xx
     * (server error), which {@link #raiseForStatus()} does.
     */
    public int status() {
        return status;
    }

    /**
     * The reason phrase as the server sent it; may be empty. Octets beyond ASCII are read as
     * UTF-8 when they are UTF-8, else as ISO-8859-1.
     */
    public String reason() {
        return reason;
    }

    public Headers headers() {
        return headers;
    }

    /** The final URL, after redirects. */
    public URI uri() {
        return request.uri();
    }

    /** The request that produced this response (the last one, after redirects). */
    public Request request() {
        return request;
    }

    /** The redirects followed to get here, oldest first; empty when there were none. */
    public List<Redirect> history() {
        return history;
    }

    /** Whether the status is 200-299. */
    public boolean isSuccessful() {
        return status >= 200 && status < 300;
    }

    /**
     * Throws {@link HttpStatusException} when the status is 400 or more, or an invalid one
     * below 100 (which RFC 9110 §15 has a client treat as a 5xx, as it does those above 599),
     * and closes the response; returns this response otherwise, like requests'
     * {@code raise_for_status()}.
     */
    public Response raiseForStatus() throws HttpStatusException {
        if (isError(status)) {
            close();
            throw new HttpStatusException(uri(), status, reason);
        }
        return this;
    }

    /**
     * {@link #raiseForStatus()} for future chains, where a checked exception cannot be thrown:
     * a future completed with this response, or failed with {@link HttpStatusException}. It
     * never blocks the caller: on an error status the response is closed (a small rest of the
     * body drained to keep the connection) on a virtual thread, and the future fails once that
     * is done.
     *
     * <pre>{@code
     * client.sendAsync(request).thenCompose(Response::raiseForStatusAsync)
     * }</pre>
     */
    public CompletableFuture<Response> raiseForStatusAsync() {
        if (!isError(status)) {
            return CompletableFuture.completedFuture(this);
        }
        HttpStatusException error = new HttpStatusException(uri(), status, reason);
        return body.closeAsync().thenCompose(closed -> CompletableFuture.failedFuture(error));
    }

    /** Whether {@link #raiseForStatus()} throws for {@code status}. */
    private static boolean isError(int status) {
        return status >= 400 || status < 100;
    }

    public Body body() {
        return body;
    }

    /** The trailer fields of a chunked body; empty until the body has been read to its end. */
    public Headers trailers() {
        return Client.toHeaders(exchange.trailers());
    }

    /** Where the time went so far. */
    public Timings timings() {
        long start = exchange.startNanos();
        long first = exchange.firstByteNanos();
        long end = exchange.endNanos() != 0 ? exchange.endNanos() : System.nanoTime();
        boolean reused = exchange.isReusedConnection();
        return new Timings(
                Duration.ofNanos(reused ? 0 : exchange.connection().connectNanos()),
                Duration.ofNanos(reused ? 0 : exchange.connection().tlsNanos()),
                Duration.ofNanos(first == 0 ? 0 : first - start),
                Duration.ofNanos(first == 0 ? 0 : end - first),
                reused);
    }

    /**
     * Ends the exchange, freeing (or closing) the connection; idempotent. A body not read to
     * its end is drained when little is left (at most 64 KiB, waiting at most 200 ms for it),
     * else its connection is closed. Only the thread that sent the request (the synchronous
     * API) or last read the body waits for that drain. Any other thread never blocks here: a
     * response of {@link Client#sendAsync} closed unread has a rest already received discarded
     * at once, and any other drained on a virtual thread, its pool slot free once that is done;
     * while another thread reads the body (a blocked {@code read}, a publisher's virtual
     * thread) the connection is closed at once, and that reader fails with an
     * {@link java.io.IOException} saying the body was closed before its end.
     */
    @Override
    public void close() {
        body.close();
    }

    @Override
    public String toString() {
        return "Response[" + HttpStatusException.threeDigits(status) + " " + ServerText.url(uri()) + "]";
    }
}
