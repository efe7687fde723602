package dev.sluice.net;

/** Which connection a request may go out on. */
public enum Reuse {
    /**
     * An idle connection, once a check shows the server has neither closed it nor sent
     * anything since (every idle connection is checked: stray bytes must never be read as the
     * next response); should it still turn out dead, a request that may be retried (an
     * idempotent one) goes again on a new connection.
     */
    IDLE,
    /**
     * An idle connection only once a check shows the server has neither closed it nor sent
     * anything since: a request that cannot be retried (POST) must not go out on a dead one.
     * The pool checks every idle connection alike; the name keeps the caller's intent.
     */
    IDLE_CHECKED,
    /** A new connection: the retry after an idle one failed. */
    NEW
}
