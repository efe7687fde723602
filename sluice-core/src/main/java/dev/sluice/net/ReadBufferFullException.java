package dev.sluice.net;

import java.io.IOException;

/**
 * The read buffer is full of one unfinished line of the response and cannot grow: a local
 * limit (no direct memory left for a larger buffer, or a line longer than the largest
 * buffer), not a fault of the server's bytes.
 */
public final class ReadBufferFullException extends IOException {
    private static final long serialVersionUID = 1L;

    public ReadBufferFullException(String message) {
        super(message);
    }
}
