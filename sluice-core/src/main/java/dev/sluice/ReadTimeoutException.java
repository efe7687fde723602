package dev.sluice;

import java.net.URI;
import java.time.Duration;

/**
 * The server was silent for longer than the read timeout: it sent nothing, or, while the
 * request was being sent, took nothing of it.
 */
public final class ReadTimeoutException extends SluiceTimeoutException {
    private static final long serialVersionUID = 1L;

    public ReadTimeoutException(URI uri, String phase, Duration limit, Throwable cause) {
        super(uri, (phase.startsWith("sending") ? "the server took no data for " : "no data for ") + seconds(limit)
                + " (read timeout) while " + phase, limit, cause);
    }
}
