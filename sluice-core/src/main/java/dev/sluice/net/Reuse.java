package dev.sluice.net;

/** Which connection a request may go out on. */
public enum Reuse {
    /**
     * An idle connection, once a check shows the server has sent nothing since (every idle
     * connection is checked for that: stray bytes must never be read as the next response),
     * checked for a close by the server only when it has been idle a while: a request that may
     * be retried on a fresh connection if the idle one turns out to be dead (an idempotent
     * one) need not pay for that probe every time.
     */
    IDLE,
    /**
     * An idle connection only once a check shows the server has neither closed it nor sent
     * anything since: a request that cannot be retried (POST) must not go out on a dead one.
     */
    IDLE_CHECKED,
    /** A new connection: the retry after an idle one failed. */
    NEW
}
