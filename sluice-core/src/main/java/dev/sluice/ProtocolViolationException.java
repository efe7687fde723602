package dev.sluice;

import dev.sluice.codec.CodecException;
import java.net.URI;

/**
 * The response broke HTTP: malformed or inconsistent, a body cut short (Content-Length not
 * reached, chunked stream cut, corrupt compressed data), or a redirect loop. The message says
 * what was expected, what came, and at which byte offset when there is one.
 */
public final class ProtocolViolationException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final boolean permanent;
    private final int redirectStatus;

    public ProtocolViolationException(URI uri, String message, long offset, Throwable cause) {
        this(uri, message, offset, cause, 0);
    }

    /**
     * For a redirect that cannot be followed (a loop, more than allowed, an unusable Location),
     * which the same request meets again every time; see {@link #isPermanent()}.
     *
     * @param redirectStatus the status of the redirect response that was not followed
     */
    ProtocolViolationException(URI uri, String message, long offset, Throwable cause, int redirectStatus) {
        super(uri, withOffset(message, offset, cause), cause);
        this.offset = offset;
        this.permanent = redirectStatus != 0;
        this.redirectStatus = redirectStatus;
    }

    /**
     * Whether trying again cannot help: the server's redirects themselves are wrong (a loop,
     * more than allowed, a Location that cannot be followed), not a response that went wrong on
     * the way. Retry policies skip such failures.
     */
    public boolean isPermanent() {
        return permanent;
    }

    /**
     * The message with the offset. The codec's offsets count from the response's first byte,
     * head included, which is said: beside a body count ("body ended after 70000 of 200000
     * bytes") a bare "at byte 70074" would read as a contradiction.
     */
    private static String withOffset(String message, long offset, Throwable cause) {
        if (offset < 0) {
            return message;
        }
        return message + " (at byte " + offset + (cause instanceof CodecException ? " of the response, head included" : "")
                + ")";
    }

    /**
     * The status of the redirect response that could not be followed (301, 302, 303, 307 or
     * 308) when {@link #isPermanent()}, else 0: the last status the client saw, which a
     * download's report gives as its {@code httpStatus}.
     */
    public int redirectStatus() {
        return redirectStatus;
    }

    /** Byte offset in the response where the violation was seen, or -1 when not applicable. */
    public long offset() {
        return offset;
    }
}
