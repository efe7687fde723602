package dev.sluice;

import java.net.URI;
import java.time.Duration;

/** A configured time limit passed: connect, read (longest silence) or total. */
public abstract sealed class SluiceTimeoutException extends SluiceException
        permits ConnectTimeoutException, ReadTimeoutException, TotalTimeoutException {
    private static final long serialVersionUID = 1L;

    private final Duration limit;

    SluiceTimeoutException(URI uri, String message, Duration limit, Throwable cause) {
        super(uri, message, cause);
        this.limit = limit;
    }

    /** The limit that passed. */
    public Duration limit() {
        return limit;
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
