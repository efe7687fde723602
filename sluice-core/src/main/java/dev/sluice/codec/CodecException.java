package dev.sluice.codec;

import java.io.Serial;

/**
 * The peer sent bytes that are not a valid HTTP/1.1 response, broke a {@link Limits limit}, or
 * closed the connection before the response was complete. It is checked because it is a remote
 * fault the caller must handle (the engine turns it into a protocol-violation error that names
 * the URL); local misuse of the decoder is an {@link IllegalStateException} instead.
 *
 * <pre>{@code
 * try { event = decoder.decode(buf); }
 * catch (CodecException e) { fail(e.getMessage() + " at byte " + e.offset()); }
 * }</pre>
 */
public final class CodecException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Response offset where the problem was seen. */
    private final long offset;
    /** What the decoder awaited when it saw the problem. */
    private final ResponseDecoder.State state;

    /**
     * Creates the exception.
     *
     * @param message what was expected and what came instead
     * @param offset  byte offset within the current response (its first byte is 0) where the
     *                problem was seen
     * @param state   what the decoder was waiting for at the time
     */
    public CodecException(String message, long offset, ResponseDecoder.State state) {
        super(message);
        this.offset = offset;
        this.state = state;
    }

    /**
     * Returns where the problem was seen: the byte offset counted from the first byte the
     * decoder received after {@link ResponseDecoder#reset(String)} (so interim 1xx heads count).
     *
     * @return the byte offset, {@code >= 0}
     */
    public long offset() {
        return offset;
    }

    /**
     * Returns what the decoder was waiting for when it saw the problem.
     *
     * @return the decoder state at the time, never {@code FAILED}
     */
    public ResponseDecoder.State state() {
        return state;
    }
}
