package dev.sluice;

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
        super(uri, "HTTP " + status + (reason == null || reason.isEmpty() ? "" : " " + excerpt(reason)), null);
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

    /** The start of the reason phrase with control characters escaped, so that the message stays one short line. */
    private static String excerpt(String reason) {
        StringBuilder out = new StringBuilder(Math.min(reason.length(), MAX_REASON_CHARS) + 3);
        for (int i = 0; i < reason.length(); i++) {
            if (out.length() >= MAX_REASON_CHARS) {
                return out.append("...").toString();
            }
            char c = reason.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
