package dev.sluice.codec;

import dev.sluice.codec.DecoderEvent.BodyBytes;
import dev.sluice.codec.DecoderEvent.BodyEnd;
import dev.sluice.codec.DecoderEvent.InformationalHead;
import dev.sluice.codec.DecoderEvent.ResponseHead;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/*
 * Theory of operation.
 *
 * The decoder is a state machine over one response at a time; its State names what it awaits.
 * reset(method) starts a response in STATUS_LINE. decode(buf) loops over step(), one exhaustive
 * switch on the state, until a step yields an event: steps that only move the machine (a
 * header line stored, a chunk-size line read, the CRLF after chunk data) yield nothing and the
 * loop goes on, so each call returns exactly one event.
 *
 *   STATUS_LINE -> HEADERS -> (1xx: back to STATUS_LINE)
 *                          -> FIXED_BODY (also for "no body": 0 bytes left) -> DONE
 *                          -> UNTIL_CLOSE_BODY -> DONE (by endOfInput)
 *                          -> CHUNK_SIZE -> CHUNK_DATA -> CHUNK_DATA_CRLF -> CHUNK_SIZE ...
 *                             CHUNK_SIZE (size 0) -> TRAILERS -> DONE
 *   any state, bad bytes -> FAILED
 *
 * Lines are never consumed partially: an incomplete line stays in the caller's buffer, which
 * the caller compacts and refills; LineReader remembers how far it scanned so that slow
 * arrival costs no rescans. Body bytes are never copied or inspected: a body step only does
 * arithmetic on the buffer's position, so its cost does not depend on the body's size.
 * 'offset' counts consumed bytes since reset(), which makes every exception's offset exact
 * however the input was split.
 */

/**
 * A sans-I/O decoder of HTTP/1.1 responses (RFC 9112): bytes in, {@link DecoderEvent}s out. It
 * knows no sockets, threads or clocks; one instance decodes the responses of one connection,
 * one after another.
 *
 * <pre>{@code
 * decoder.reset("GET");                                   // before every response
 * DecoderEvent event = decoder.decode(buf);               // buf in read mode
 * while (event instanceof DecoderEvent.NeedInput) {       // compact, read, flip, retry
 *     buf.compact(); int n = channel.read(buf); buf.flip();
 *     event = n < 0 ? decoder.endOfInput() : decoder.decode(buf);
 * }
 * }</pre>
 *
 * <p><b>Buffer contract.</b> {@code decode} reads from {@code buf.position()} to
 * {@code buf.limit()} with absolute gets (heap and direct buffers alike) and moves the position
 * past what it consumed. When it returns {@link DecoderEvent#NEED_INPUT}, the bytes it left (an
 * incomplete line, or a CR whose LF has not come) must be presented again, unchanged, at the
 * position of the next call, followed by new bytes: {@link ByteBuffer#compact()} then a read
 * does exactly that. The decoder copies nothing into internal buffers, so the caller's buffer
 * must be able to hold the longest line allowed ({@link Limits#maxHeadBytes()}); a line longer
 * than the limit fails as soon as that is certain, without waiting for its end.
 */
public final class ResponseDecoder {

    /** What the decoder awaits next. */
    public enum State {
        /** The status line of an interim or final response. */
        STATUS_LINE,
        /** A header field line, or the empty line that ends the head. */
        HEADERS,
        /** Body bytes of a known length (Content-Length, or 0 for a response without a body). */
        FIXED_BODY,
        /** Body bytes until the peer closes the connection. */
        UNTIL_CLOSE_BODY,
        /** A chunk-size line. */
        CHUNK_SIZE,
        /** Bytes of the current chunk. */
        CHUNK_DATA,
        /** The CRLF that ends a chunk's data. */
        CHUNK_DATA_CRLF,
        /** A trailer field line, or the empty line that ends the chunked body. */
        TRAILERS,
        /** Nothing: the response is complete (or no {@link #reset(String)} has happened yet). */
        DONE,
        /** Nothing: the response was malformed; only {@link #reset(String)} helps. */
        FAILED
    }

    /**
     * Most interim (1xx) heads accepted before the final one. Real servers send one or two;
     * a stream of them would otherwise keep the caller busy forever.
     */
    private static final int MAX_INFORMATIONAL_HEADS = 100;

    private final Limits limits;
    private final LineReader lines = new LineReader();
    private final FieldSection headers;
    private final FieldSection trailers;

    private State state = State.DONE;
    private String requestMethod;
    /** Bytes consumed since reset(): the response offset of the byte at the buffer's position. */
    private long offset;
    /** Response offset of the current head's status line. */
    private long headStart;
    private int trailerBytes;
    private int informationalHeads;
    private StatusLine statusLine;
    private long contentLength;
    /** FIXED_BODY: body bytes still to come; CHUNK_DATA: bytes left in the current chunk. */
    private long remaining;
    private long chunkSize;
    private long bodyBytes;
    /** Bytes the last decode() left in the buffer for lack of a complete item; for endOfInput's message. */
    private int unconsumed;

    /**
     * Creates a decoder; call {@link #reset(String)} before the first response.
     *
     * @param limits bounds on what is accepted from the peer
     */
    public ResponseDecoder(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.headers = new FieldSection("header", limits.maxHeaderCount());
        this.trailers = new FieldSection("trailer", limits.maxHeaderCount());
    }

    /**
     * Prepares for the response to a request with this method; required before every response,
     * the first one included. Any state is left behind, a failed one too.
     *
     * @param requestMethod the request's method, case-sensitive ("HEAD" means no body)
     */
    public void reset(String requestMethod) {
        this.requestMethod = Objects.requireNonNull(requestMethod, "requestMethod");
        state = State.STATUS_LINE;
        offset = 0;
        headStart = 0;
        trailerBytes = 0;
        informationalHeads = 0;
        statusLine = null;
        contentLength = 0;
        remaining = 0;
        chunkSize = 0;
        bodyBytes = 0;
        unconsumed = 0;
        lines.forget();
        headers.clear();
        trailers.clear();
    }

    /**
     * Consumes bytes from {@code buf.position()} and returns the next event: a head, body bytes
     * (a view of {@code buf}, already consumed), the body's end, or {@link DecoderEvent#NEED_INPUT}
     * when {@code buf} holds no complete next item (see the buffer contract above). After
     * {@link BodyEnd} the state is {@code DONE}; bytes still in {@code buf} are leftover that
     * belongs to no response.
     *
     * @param buf the received bytes, in read mode
     * @return the next event, never null
     * @throws CodecException        if the bytes are not a valid response or break a limit; the
     *                               state becomes {@code FAILED}
     * @throws IllegalStateException in state {@code DONE} or {@code FAILED}, until {@link #reset(String)}
     */
    public DecoderEvent decode(ByteBuffer buf) throws CodecException {
        Objects.requireNonNull(buf, "buf");
        if (state == State.DONE || state == State.FAILED) {
            throw new IllegalStateException("decode() in state " + state + ": call reset() for the next response");
        }
        try {
            DecoderEvent event = step(buf);
            while (event == null) {
                event = step(buf);
            }
            unconsumed = event instanceof DecoderEvent.NeedInput ? buf.remaining() : 0;
            return event;
        } catch (CodecException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /**
     * Tells the decoder that the peer closed the connection. Call it only after {@code decode}
     * returned {@code NEED_INPUT} for all the bytes received. A close-delimited body, or a body
     * whose every byte already came, ends here: the result is {@link BodyEnd} with no trailers
     * and the state becomes {@code DONE}. Anywhere else the response is incomplete.
     *
     * @return the body's end
     * @throws CodecException        saying what was expected and how much had come; the state
     *                               becomes {@code FAILED}
     * @throws IllegalStateException in state {@code DONE} or {@code FAILED}
     */
    public DecoderEvent endOfInput() throws CodecException {
        String problem = switch (state) {
            case STATUS_LINE -> closedInHead(informationalHeads == 0 ? "the status line" : "the final status line");
            case HEADERS -> closedInHead("the headers");
            case FIXED_BODY -> remaining == 0 ? null
                    : "body ended after " + bodyBytes + " of " + contentLength + " bytes (Content-Length)";
            case UNTIL_CLOSE_BODY -> null; // the close is how this body ends
            case CHUNK_SIZE -> "connection closed " + (unconsumed == 0 ? "before" : "inside")
                    + " a chunk-size line, after " + bodyBytes + " body bytes";
            case CHUNK_DATA -> "connection closed inside chunk: " + (chunkSize - remaining) + " of "
                    + chunkSize + " bytes";
            case CHUNK_DATA_CRLF -> "connection closed before the CRLF after chunk data, after "
                    + bodyBytes + " body bytes";
            case TRAILERS -> "connection closed in the trailer section, after " + trailerBytes + " bytes of it";
            case DONE, FAILED -> throw new IllegalStateException(
                    "endOfInput() in state " + state + ": call reset() for the next response");
        };
        if (problem == null) {
            state = State.DONE;
            return new BodyEnd(List.of());
        }
        CodecException failure = new CodecException(problem, offset + unconsumed, state);
        state = State.FAILED;
        throw failure;
    }

    /**
     * Returns how many body bytes the caller may read straight from the wire into its own
     * buffer, bypassing {@code decode}, while the decoder's input buffer holds no bytes. This is
     * the fast path for large bodies: no decoding work and no copy.
     *
     * @return remaining length in {@code FIXED_BODY}, remaining bytes of the current chunk in
     *         {@code CHUNK_DATA}, {@link Long#MAX_VALUE} in {@code UNTIL_CLOSE_BODY}, else 0
     */
    public long directReadLimit() {
        return switch (state) {
            case FIXED_BODY, CHUNK_DATA -> remaining;
            case UNTIL_CLOSE_BODY -> Long.MAX_VALUE;
            case STATUS_LINE, HEADERS, CHUNK_SIZE, CHUNK_DATA_CRLF, TRAILERS, DONE, FAILED -> 0;
        };
    }

    /**
     * Ends a fixed-length body whose every byte the caller has taken (see
     * {@link #consumedDirectly(long)}), without a {@code decode} call: the state becomes
     * {@code DONE}. The same as the {@link BodyEnd} that {@code decode} would return next.
     *
     * @return the body's end, without trailers
     * @throws IllegalStateException unless in {@code FIXED_BODY} with no byte left
     */
    public BodyEnd endFixedBody() {
        if (state != State.FIXED_BODY || remaining != 0) {
            throw new IllegalStateException("endFixedBody() in state " + state + " with " + remaining + " bytes left");
        }
        state = State.DONE;
        return new BodyEnd(List.of());
    }

    /**
     * Records that the caller read {@code n} body bytes directly (see {@link #directReadLimit()}),
     * or took them itself from the input buffer it would otherwise pass to {@code decode}.
     * A fixed body that reaches its length ends at the next {@code decode} (even with an empty
     * buffer); a chunk that reaches its end moves to {@code CHUNK_DATA_CRLF}.
     *
     * @param n bytes read directly, {@code 0 <= n <= directReadLimit()}
     * @throws IllegalArgumentException if {@code n} is out of that range
     */
    public void consumedDirectly(long n) {
        long limit = directReadLimit();
        if (n < 0 || n > limit) {
            throw new IllegalArgumentException("consumedDirectly(" + n + ") in state " + state
                    + " allows 0.." + limit);
        }
        switch (state) {
            case FIXED_BODY -> remaining -= n;
            case CHUNK_DATA -> {
                remaining -= n;
                if (remaining == 0) {
                    state = State.CHUNK_DATA_CRLF;
                }
            }
            case UNTIL_CLOSE_BODY, STATUS_LINE, HEADERS, CHUNK_SIZE, CHUNK_DATA_CRLF, TRAILERS, DONE, FAILED -> {
                // Nothing to count down: here n is 0, or the body has no known end.
            }
        }
        bodyBytes += n;
        offset += n;
    }

    /**
     * Returns what the decoder awaits.
     *
     * @return the current state; {@code DONE} before the first {@link #reset(String)}
     */
    public State state() {
        return state;
    }

    /**
     * Returns the body bytes received so far in this response (chunk framing excluded), counting
     * those read directly; for progress and error messages.
     *
     * @return the count
     */
    public long bodyBytesReceived() {
        return bodyBytes;
    }

    /** Advances by one item; null means "no event yet, keep going". */
    private DecoderEvent step(ByteBuffer buf) throws CodecException {
        return switch (state) {
            case STATUS_LINE -> readStatusLine(buf);
            case HEADERS -> readHeaderLine(buf);
            case FIXED_BODY -> readFixedBody(buf);
            case UNTIL_CLOSE_BODY -> readUntilCloseBody(buf);
            case CHUNK_SIZE -> readChunkSize(buf);
            case CHUNK_DATA -> readChunkData(buf);
            case CHUNK_DATA_CRLF -> readChunkDataCrlf(buf);
            case TRAILERS -> readTrailerLine(buf);
            case DONE, FAILED -> throw new AssertionError("decode() rejects state " + state);
        };
    }

    private DecoderEvent readStatusLine(ByteBuffer buf) throws CodecException {
        requireHttpPrefix(buf);
        int n = lines.next(buf, limits.maxHeadBytes(), "response head", limits.maxHeadBytes(), offset, state);
        if (n == 0) {
            return DecoderEvent.NEED_INPUT;
        }
        headStart = offset;
        statusLine = StatusLine.parse(lines.bytes(), lines.length(), offset);
        offset += n;
        headers.clear();
        state = State.HEADERS;
        return null;
    }

    /**
     * Fails at the first byte that cannot begin "HTTP/", so that a peer speaking another protocol
     * is caught at once instead of after a full head's worth of bytes.
     */
    private void requireHttpPrefix(ByteBuffer buf) throws CodecException {
        String prefix = "HTTP/";
        int available = Math.min(prefix.length(), buf.remaining());
        for (int i = 0; i < available; i++) {
            int b = buf.get(buf.position() + i) & 0xFF;
            if (b != prefix.charAt(i)) {
                throw new CodecException("expected \"HTTP/\" at the start of the status line, got "
                        + CharClass.describe(b), offset + i, state);
            }
        }
    }

    private DecoderEvent readHeaderLine(ByteBuffer buf) throws CodecException {
        int headBytes = (int) (offset - headStart);
        int n = lines.next(buf, limits.maxHeadBytes() - headBytes, "response head", limits.maxHeadBytes(), offset, state);
        if (n == 0) {
            return DecoderEvent.NEED_INPUT;
        }
        long lineOffset = offset;
        offset += n;
        if (lines.length() > 0) {
            headers.add(lines.bytes(), lines.length(), lineOffset, state);
            return null;
        }
        return endOfHead(lineOffset);
    }

    private DecoderEvent endOfHead(long emptyLineOffset) throws CodecException {
        int status = statusLine.status();
        if (status == 101) {
            throw new CodecException("unexpected 101 Switching Protocols: sluice does not switch protocols"
                    + " (HTTP/1.1 only)", headStart + 9, state);
        }
        List<Field> fields = headers.toList();
        // Only 1xx is interim: a status below 100 (or above 599) is invalid, which RFC 9110 §15
        // has a client treat as a 5xx, a final response.
        if (status >= 100 && status < 200) {
            if (++informationalHeads > MAX_INFORMATIONAL_HEADS) {
                throw new CodecException("more than " + MAX_INFORMATIONAL_HEADS + " informational (1xx) responses",
                        headStart, state);
            }
            state = State.STATUS_LINE;
            headStart = offset; // the final response's head starts right after this one
            return new InformationalHead(status, statusLine.reason(), fields);
        }
        BodyFraming framing;
        try {
            framing = BodyFraming.of(requestMethod, status, fields);
        } catch (CodecException e) {
            throw new CodecException(e.getMessage(), emptyLineOffset, state);
        }
        boolean persistent = isPersistent(framing, fields);
        switch (framing) {
            case BodyFraming.None none -> startFixedBody(0);
            case BodyFraming.FixedLength fixed -> startFixedBody(fixed.length());
            case BodyFraming.Chunked chunked -> state = State.CHUNK_SIZE;
            case BodyFraming.UntilClose untilClose -> state = State.UNTIL_CLOSE_BODY;
        }
        return new ResponseHead(status, statusLine.reason(), statusLine.minorVersion(), fields, framing, persistent);
    }

    private boolean isPersistent(BodyFraming framing, List<Field> fields) {
        if (framing instanceof BodyFraming.UntilClose) {
            return false;
        }
        if (requestMethod.equals("CONNECT") && statusLine.status() >= 200 && statusLine.status() < 300) {
            return false; // RFC 9110 §9.3.6: a tunnel now, never again a connection for HTTP messages
        }
        boolean transferEncoding = FieldLists.isPresent(fields, "Transfer-Encoding");
        if (transferEncoding && FieldLists.isPresent(fields, "Content-Length")) {
            return false; // RFC 9112 §6.3 point 3: possible smuggling; never reuse what may be desynchronised.
        }
        if (statusLine.minorVersion() == 0 && transferEncoding) {
            return false; // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
        }
        if (FieldLists.containsToken(fields, "Connection", "close")) {
            return false;
        }
        return statusLine.minorVersion() >= 1 || FieldLists.containsToken(fields, "Connection", "keep-alive");
    }

    private void startFixedBody(long length) {
        contentLength = length;
        remaining = length;
        state = State.FIXED_BODY;
    }

    private DecoderEvent readFixedBody(ByteBuffer buf) {
        if (remaining == 0) {
            state = State.DONE;
            return new BodyEnd(List.of());
        }
        return takeBody(buf);
    }

    private DecoderEvent readUntilCloseBody(ByteBuffer buf) {
        int n = buf.remaining();
        if (n == 0) {
            return DecoderEvent.NEED_INPUT;
        }
        int at = buf.position();
        buf.position(at + n);
        bodyBytes += n;
        offset += n;
        return new BodyBytes(at, n);
    }

    /** Hands out min(remaining, buffered) bytes of a fixed body or chunk: arithmetic only. */
    private DecoderEvent takeBody(ByteBuffer buf) {
        int available = buf.remaining();
        if (available == 0) {
            return DecoderEvent.NEED_INPUT;
        }
        int n = (int) Math.min(remaining, available);
        int at = buf.position();
        buf.position(at + n);
        remaining -= n;
        bodyBytes += n;
        offset += n;
        return new BodyBytes(at, n);
    }

    private DecoderEvent readChunkSize(ByteBuffer buf) throws CodecException {
        int n = lines.next(buf, limits.maxHeadBytes(), "chunk-size line", limits.maxHeadBytes(), offset, state);
        if (n == 0) {
            return DecoderEvent.NEED_INPUT;
        }
        long size = ChunkSizeLine.parse(lines.bytes(), lines.length(), limits.maxChunkSizeDigits(), offset);
        offset += n;
        if (size == 0) {
            trailerBytes = 0;
            trailers.clear();
            state = State.TRAILERS;
        } else {
            chunkSize = size;
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return null;
    }

    private DecoderEvent readChunkData(ByteBuffer buf) {
        DecoderEvent event = takeBody(buf);
        if (remaining == 0) {
            state = State.CHUNK_DATA_CRLF;
        }
        return event;
    }

    private DecoderEvent readChunkDataCrlf(ByteBuffer buf) throws CodecException {
        if (!buf.hasRemaining()) {
            return DecoderEvent.NEED_INPUT;
        }
        int at = buf.position();
        int first = buf.get(at) & 0xFF;
        int n;
        if (first == '\n') {
            n = 1; // bare LF, accepted as a line terminator (RFC 9112 §2.2)
        } else if (first == '\r') {
            if (buf.remaining() < 2) {
                return DecoderEvent.NEED_INPUT;
            }
            int second = buf.get(at + 1) & 0xFF;
            if (second != '\n') {
                throw new CodecException("expected CRLF after chunk data, got CR followed by "
                        + CharClass.describe(second), offset + 1, state);
            }
            n = 2;
        } else {
            throw new CodecException("expected CRLF after chunk data, got " + CharClass.describe(first), offset, state);
        }
        buf.position(at + n);
        offset += n;
        state = State.CHUNK_SIZE;
        return null;
    }

    private DecoderEvent readTrailerLine(ByteBuffer buf) throws CodecException {
        int n = lines.next(buf, limits.maxTrailerBytes() - trailerBytes, "trailer section", limits.maxTrailerBytes(), offset, state);
        if (n == 0) {
            return DecoderEvent.NEED_INPUT;
        }
        long lineOffset = offset;
        offset += n;
        trailerBytes += n;
        if (lines.length() > 0) {
            trailers.add(lines.bytes(), lines.length(), lineOffset, state);
            return null;
        }
        state = State.DONE;
        return new BodyEnd(trailers.toList());
    }

    private String closedInHead(String where) {
        return unconsumed == 0 && offset == headStart
                ? "connection closed before " + where
                : "connection closed in " + where + " after " + (offset - headStart + unconsumed)
                        + " bytes of the response head";
    }
}
