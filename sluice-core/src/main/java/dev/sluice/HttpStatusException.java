package dev.sluice;

import dev.sluice.codec.ServerText;
import java.net.URI;

/**
 * The final response had a status of 400 or more; thrown by {@link Response#raiseForStatus()}.
 * The message shows the status and the start of the reason phrase, for example
 * {@code http://example.com/x: HTTP 404 Not Found}; {@link #reason()} has the whole phrase.
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
        super(uri, "HTTP " + status + (reason == null || reason.isEmpty() ? "" : " "
                + ServerText.excerpt(reason, MAX_REASON_CHARS)), null);
        this.status = status;
        this.reason = reason == null ? "" : reason;
    }

    public int status() {
        return status;
    }

    /** The reason phrase as the server sent it, whole; may be empty. */
    public String reason() {
        return reason;
    }

}
