package dev.sluice;

import dev.sluice.codec.ServerText;
import java.io.IOException;
import java.net.URI;

/**
 * The root of every error sluice reports. Each message names the URL and the cause; the
 * subtypes say what kind of failure it was, so that callers (and the command line's exit
 * codes) can switch on them exhaustively:
 *
 * <pre>{@code
 * try (Response r = client.send(Request.get(url))) { ... }
 * catch (SluiceException e) {
 *     switch (e) {
 *         case HttpStatusException s -> ...;
 *         case ConnectFailedException c -> ...;
 *         case SluiceTimeoutException t -> ...;
 *         case ProtocolViolationException p -> ...;
 *         case IntegrityException i -> ...;
 *     }
 * }
 * }</pre>
 */
public abstract sealed class SluiceException extends IOException
        permits HttpStatusException, ConnectFailedException, SluiceTimeoutException,
        ProtocolViolationException, IntegrityException {
    private static final long serialVersionUID = 1L;

    private final URI uri;

    SluiceException(URI uri, String message, Throwable cause) {
        // At most ServerText.MAX_URL_CHARS of it: a redirect may lead to a 64 KiB URL, and an
        // error stays one readable line (uri() has it whole).
        super(ServerText.url(uri) + ": " + message, cause);
        this.uri = uri;
    }


    /** The URL of the request that failed. */
    public URI uri() {
        return uri;
    }
}
