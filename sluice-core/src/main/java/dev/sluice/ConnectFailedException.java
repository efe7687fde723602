package dev.sluice;

import java.net.URI;

/** No connection could be made: the name did not resolve, the port refused, or TLS failed. */
public final class ConnectFailedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public ConnectFailedException(URI uri, String message, Throwable cause) {
        super(uri, message, cause);
    }
}
