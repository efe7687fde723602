package dev.sluice;

import dev.sluice.codec.ServerText;
import java.net.URI;

/**
 * The final response had a status of 400 or more, or an invalid one below 100 (RFC 9110 §15:
 * a client treats a status outside 100..599 as a 5xx); thrown by {@link Response#raiseForStatus()}.
 * The message shows the status, in three digits as sent, and the start of the reason phrase,
 * for example {@code http://example.com/x: HTTP 404 Not Found}; {@link #reason()} has the whole phrase.
 */
public final class HttpStatusException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Most characters of the reason phrase shown in the message. The server chooses the phrase,
     * and up to a whole head of it (64 KiB by default) would otherwise become one error line.
     */
    private static final int MAX_REASON_CHARS = 80;

    private final int status;
    private final String reason;

    public HttpStatusException(URI uri, int status, String reason) {
        super(uri, "HTTP " + threeDigits(status) + (reason == null || reason.isEmpty() ? "" : " "
                + ServerText.excerpt(reason, MAX_REASON_CHARS)), null);
        this.status = status;
        this.reason = reason == null ? "" : reason;
    }

    public int status() {
        return status;
    }

    /** A status code as it appears on the wire: "099", not "99". */
    static String threeDigits(int status) {
        return status >= 0 && status < 100 ? String.format("%03d", status) : Integer.toString(status);
    }

    /** The reason phrase as the server sent it, whole; may be empty. */
    public String reason() {
        return reason;
    }

}
