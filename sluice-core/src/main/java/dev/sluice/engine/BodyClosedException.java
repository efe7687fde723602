package dev.sluice.engine;

import dev.sluice.codec.ServerText;
import java.io.IOException;
import java.net.URI;

/**
 * The body was closed (by {@code Response.close()}, from another thread or before the read, or
 * by a cancel): a local decision, not the server's failure, so content decoding passes
 * it through rather than calling the body corrupt.
 */
final class BodyClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyClosedException(URI uri) {
        this(uri, false);
    }

    /**
     * {@code ended}: the close had read the body to its end (a drain), so nothing was cut
     * short; it is only gone.
     */
    BodyClosedException(URI uri, boolean ended) {
        super(ServerText.url(uri) + (ended ? ": the body was closed (read it before closing the response)"
                : ": the body was closed before it was read to its end"));
    }
}
