package dev.sluice;

import dev.sluice.engine.Failures;
import java.net.URI;
import java.security.cert.CertificateException;

/**
 * No connection could be made: the name did not resolve, the port refused, or TLS failed.
 * The JDK's exception is the cause.
 */
public final class ConnectFailedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public ConnectFailedException(URI uri, String message, Throwable cause) {
        super(uri, message, cause);
    }

    /**
     * Whether trying again cannot help: the server's certificate was rejected (not trusted,
     * expired, or not valid for the host name), or the server refused this client with a TLS
     * alert (it requires a client certificate, or shares no TLS version with sluice), and the
     * next attempt meets the same. A refused or reset connection, an unknown host or a
     * handshake cut short may be passing, and are not permanent. Retry policies skip permanent
     * failures.
     */
    public boolean isPermanent() {
        for (Throwable c = getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertificateException) {
                return true;
            }
        }
        return getCause() != null && Failures.isRefusalAlert(getCause());
    }
}
