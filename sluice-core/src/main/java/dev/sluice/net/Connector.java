package dev.sluice.net;

import java.io.IOException;

/**
 * Opens connections; an interface so that pool tests can count and fail connects without
 * sockets.
 */
public interface Connector {

    /**
     * Opens a connection to {@code origin}, TCP and (for https) the TLS handshake, failing with
     * {@link DeadlineExceededException} ({@link Deadline#CONNECT}) when {@code deadlineNanos}
     * passes first.
     */
    Connection connect(Origin origin, long deadlineNanos) throws IOException;
}
