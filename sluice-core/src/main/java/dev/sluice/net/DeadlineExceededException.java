package dev.sluice.net;

import java.io.IOException;

/** A blocking operation outlived its deadline and the watchdog closed the connection. */
public final class DeadlineExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Deadline deadline;

    public DeadlineExceededException(Deadline deadline, String message) {
        super(message);
        this.deadline = deadline;
    }

    public Deadline deadline() {
        return deadline;
    }
}
