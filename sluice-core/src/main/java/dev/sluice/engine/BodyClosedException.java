package dev.sluice.engine;

import java.io.IOException;
import java.net.URI;

/**
 * The body was closed (by {@code Response.close()} from another thread, or by a cancel) before
 * it was read to its end: a local decision, not the server's failure, so content decoding passes
 * it through rather than calling the body corrupt.
 */
final class BodyClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyClosedException(URI uri) {
        super(uri + ": the body was closed before it was read to its end");
    }
}
