package dev.sluice;

import java.net.URI;
import java.time.Duration;

/**
 * The server was silent for longer than the read timeout: it sent nothing, or, while the
 * request was being sent, took nothing of it.
 */
public final class ReadTimeoutException extends SluiceTimeoutException {
    private static final long serialVersionUID = 1L;

    /** The server sent nothing for longer than {@code limit} while the exchange was in {@code phase}. */
    public ReadTimeoutException(URI uri, String phase, Duration limit, Throwable cause) {
        this(uri, "no data for ", phase, limit, cause);
    }

    private ReadTimeoutException(URI uri, String silence, String phase, Duration limit, Throwable cause) {
        super(uri, silence + seconds(limit) + " (read timeout) while " + phase, limit, cause);
    }

    /**
     * The server took no byte of the request for longer than {@code limit} while it was being
     * sent.
     *
     * <pre>{@code
     * ReadTimeoutException.whileSending(uri, Duration.ofSeconds(30), cause).getMessage()
     * // "http://host/up: the server took no data for 30 s (read timeout) while sending the request"
     * }</pre>
     */
    public static ReadTimeoutException whileSending(URI uri, Duration limit, Throwable cause) {
        return new ReadTimeoutException(uri, "the server took no data for ", "sending the request", limit, cause);
    }
}
