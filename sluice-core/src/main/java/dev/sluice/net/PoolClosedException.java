package dev.sluice.net;

import java.io.IOException;

/**
 * The pool (its client) was closed before a connection could be leased: local misuse or a
 * shutdown under way, never a network failure, so never a reason to retry.
 */
public final class PoolClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    public PoolClosedException() {
        super("the client is closed");
    }
}
