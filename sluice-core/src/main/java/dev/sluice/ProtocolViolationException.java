package dev.sluice;

import java.net.URI;

/**
 * The response broke HTTP: malformed or inconsistent, a body cut short (Content-Length not
 * reached, chunked stream cut, corrupt compressed data), or a redirect loop. The message says
 * what was expected, what came, and at which byte offset when there is one.
 */
public final class ProtocolViolationException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public ProtocolViolationException(URI uri, String message, long offset, Throwable cause) {
        super(uri, offset >= 0 ? message + " (at byte " + offset + ")" : message, cause);
        this.offset = offset;
    }

    /** Byte offset in the response where the violation was seen, or -1 when not applicable. */
    public long offset() {
        return offset;
    }
}
