package dev.sluice.net;

import java.io.IOException;

/**
 * The request body's own file failed while it was being sent (it shrank, or could not be
 * read): the caller's fault, not the network's, so no answer of the server is waited for.
 */
public final class BodyFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public BodyFileException(String message, IOException cause) {
        super(message, cause);
    }
}
