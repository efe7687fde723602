package dev.sluice.net;

import java.io.IOException;

/** A blocking operation outlived its deadline and the watchdog closed the connection. */
public final class DeadlineExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What was under way when the deadline passed, for the words of the error. */
    public enum Stage {
        /** Resolving the name or the TCP connect. */
        CONNECT,
        TLS_HANDSHAKE,
        /** Waiting in the pool for a connection to become free. */
        POOL_WAIT,
        /** Sending the request or reading the response. */
        EXCHANGE
    }

    private final Deadline deadline;
    private final Stage stage;

    public DeadlineExceededException(Deadline deadline, Stage stage, String message) {
        super(message);
        this.deadline = deadline;
        this.stage = stage;
    }

    public Deadline deadline() {
        return deadline;
    }

    public Stage stage() {
        return stage;
    }
}
