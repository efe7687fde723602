package dev.sluice;

import java.net.URI;
import java.time.Duration;

/** The whole exchange, head and body, took longer than the total timeout. */
public final class TotalTimeoutException extends SluiceTimeoutException {
    private static final long serialVersionUID = 1L;

    public TotalTimeoutException(URI uri, String phase, Duration limit, Throwable cause) {
        super(uri, "the exchange took longer than the total timeout of " + seconds(limit) + " while " + phase,
                limit, cause);
    }
}
