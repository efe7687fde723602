package dev.sluice.net;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right to use one connection for one exchange. Release it exactly once: reusable only
 * when the response ended exactly on its boundary and the connection may persist.
 */
public final class Lease {
    private final ConnectionPool pool;
    private final Connection connection;
    private final boolean reused;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(ConnectionPool pool, Connection connection, boolean reused) {
        this.pool = pool;
        this.connection = connection;
        this.reused = reused;
    }

    public Connection connection() {
        return connection;
    }

    /** Whether the connection carried an earlier exchange (so it may have gone stale). */
    public boolean isReused() {
        return reused;
    }

    /** Hands the connection back: to the idle set when {@code reusable}, else closed. */
    public void release(boolean reusable) {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        pool.release(connection, reusable);
    }

}
