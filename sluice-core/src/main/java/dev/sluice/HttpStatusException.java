package dev.sluice;

import java.net.URI;

/** The final response had a status of 400 or more; thrown by {@link Response#raiseForStatus()}. */
public final class HttpStatusException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpStatusException(URI uri, int status, String reason) {
        super(uri, "HTTP " + status + (reason == null || reason.isEmpty() ? "" : " " + reason), null);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
