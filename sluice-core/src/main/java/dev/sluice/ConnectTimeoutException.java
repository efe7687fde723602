package dev.sluice;

import java.net.URI;
import java.time.Duration;

/** Connecting (TCP and TLS, or waiting for a pooled connection) took longer than the connect timeout. */
public final class ConnectTimeoutException extends SluiceTimeoutException {
    private static final long serialVersionUID = 1L;

    public ConnectTimeoutException(URI uri, String what, Duration limit, Throwable cause) {
        super(uri, what + " took longer than the connect timeout of " + seconds(limit), limit, cause);
    }
}
