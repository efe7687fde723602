package dev.sluice;

import java.net.URI;
import java.time.Duration;

/**
 * Connecting (name lookup, TCP and TLS) took longer than the connect timeout, or waiting for a free pooled
 * connection took longer than the pool timeout.
 */
public final class ConnectTimeoutException extends SluiceTimeoutException {
    private static final long serialVersionUID = 1L;

    public ConnectTimeoutException(URI uri, String what, Duration limit, Throwable cause) {
        super(uri, what + " took longer than " + seconds(limit), limit, cause);
    }
}
