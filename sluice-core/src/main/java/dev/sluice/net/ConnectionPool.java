package dev.sluice.net;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Connections per origin, with a limit in total and per host, keep-alive reuse and idle
 * eviction.
 *
 * <p>Theory of operation: every caller of {@link #acquire} joins a FIFO of waiters, and one
 * function, {@link #dispatch()}, run under the lock after every change, grants waiters in
 * order: an idle connection to their origin, or a slot to open a new one (closing an idle
 * connection of another origin when the total limit is reached). A waiter whose host is at
 * its limit does not block the waiters behind it. Connecting and closing happen outside the
 * lock; the lock guards only counts and queues.
 */
public final class ConnectionPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectionPool.class.getName());
    /** An idle connection older than this is checked for a server-side close before reuse. */
    private static final long HEALTH_CHECK_AFTER_NANOS = 1_000_000_000L;

    private final Connector connector;
    private final int maxTotal;
    private final int maxPerHost;
    private final long idleTimeoutNanos;

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: idle connections per origin, most recently used first. */
    private final Map<Origin, ArrayDeque<Connection>> idle = new HashMap<>();
    /** Guarded by lock: open or opening connections per host (idle ones included). */
    private final Map<String, Integer> perHost = new HashMap<>();
    /** Guarded by lock. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Guarded by lock. */
    private int total;
    /** Guarded by lock. */
    private int idleCount;
    /** Guarded by lock. */
    private boolean closed;

    private static final class Waiter {
        final Origin origin;
        final boolean fresh;
        Condition granted;
        Connection connection;
        boolean slot;

        Waiter(Origin origin, boolean fresh) {
            this.origin = origin;
            this.fresh = fresh;
        }

        boolean isGranted() {
            return connection != null || slot;
        }
    }

    /**
     * @param maxTotal         connections open at once, over all hosts
     * @param maxPerHost       connections open at once to one host
     * @param idleTimeoutNanos how long an idle connection is kept
     */
    public ConnectionPool(Connector connector, int maxTotal, int maxPerHost, long idleTimeoutNanos) {
        if (maxTotal < 1 || maxPerHost < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        this.connector = connector;
        this.maxTotal = maxTotal;
        this.maxPerHost = maxPerHost;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    /**
     * A connection to {@code origin}: an idle one when there is one (unless {@code fresh}), or
     * a new one. Waits in line while the limits are reached; fails with
     * {@link DeadlineExceededException} of kind {@code waitKind} when {@code deadlineNanos}
     * passes first. A new connection must be open by {@code connectDeadline}, asked once the
     * wait is over.
     */
    public Lease acquire(Origin origin, boolean fresh, long deadlineNanos, Deadline waitKind,
                         LongSupplier connectDeadline) throws IOException, InterruptedException {
        Waiter w = new Waiter(origin, fresh);
        List<Connection> toClose = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the client is closed");
            }
            waiters.add(w);
            dispatch(toClose);
            while (!w.isGranted()) {
                long wait = deadlineNanos - System.nanoTime();
                if (wait <= 0) {
                    waiters.remove(w);
                    throw new DeadlineExceededException(waitKind,
                            "no connection to " + origin + " became free in time (" + this + ")");
                }
                if (w.granted == null) {
                    w.granted = lock.newCondition();
                }
                try {
                    w.granted.awaitNanos(wait);
                } catch (InterruptedException e) {
                    if (!w.isGranted()) {
                        waiters.remove(w);
                        throw e;
                    }
                    // Granted while interrupted: hand the grant back, then report the interrupt.
                    giveBack(w, toClose);
                    throw e;
                }
                if (closed && !w.isGranted()) {
                    throw new IOException("the client is closed");
                }
            }
        } finally {
            lock.unlock();
            closeAll(toClose);
        }
        if (w.connection != null) {
            w.connection.startExchange();
            return new Lease(this, w.connection, true);
        }
        Connection c;
        try {
            c = connector.connect(origin, connectDeadline.getAsLong());
        } catch (IOException | RuntimeException e) {
            releaseSlot(origin.host());
            throw e;
        }
        c.startExchange();
        return new Lease(this, c, false);
    }

    private void giveBack(Waiter w, List<Connection> toClose) {
        if (w.connection != null) {
            parkIdle(w.connection);
        } else {
            forgetSlot(w.origin.host());
        }
        dispatch(toClose);
    }

    /** Grants what can be granted, in waiter order. Call with the lock held. */
    private void dispatch(List<Connection> toClose) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (!w.fresh) {
                Connection c = pollIdle(w.origin, toClose);
                if (c != null) {
                    w.connection = c;
                    it.remove();
                    signal(w);
                    continue;
                }
            }
            int hostCount = perHost.getOrDefault(w.origin.host(), 0);
            if (hostCount >= maxPerHost) {
                // Idle connections to this host that this waiter cannot use (another scheme or
                // port, or it wants a fresh one) give way.
                if (!closeIdleOf(w.origin.host(), toClose)) {
                    continue;
                }
                hostCount--;
            }
            if (total >= maxTotal && !closeOldestIdle(toClose)) {
                continue;
            }
            total++;
            perHost.put(w.origin.host(), hostCount + 1);
            w.slot = true;
            it.remove();
            signal(w);
        }
    }

    private static void signal(Waiter w) {
        if (w.granted != null) {
            w.granted.signal();
        }
    }

    private Connection pollIdle(Origin origin, List<Connection> toClose) {
        ArrayDeque<Connection> q = idle.get(origin);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        Connection c;
        while ((c = q.pollFirst()) != null) {
            idleCount--;
            c.guard().disarm();
            boolean old = now - c.idleSinceNanos > HEALTH_CHECK_AFTER_NANOS;
            if (c.isOpen() && (!old || c.isHealthy())) {
                break;
            }
            forget(c, toClose);
        }
        if (q.isEmpty()) {
            idle.remove(origin);
        }
        return c;
    }

    private boolean closeIdleOf(String host, List<Connection> toClose) {
        for (var e : idle.entrySet()) {
            if (e.getKey().host().equals(host) && !e.getValue().isEmpty()) {
                Connection c = e.getValue().pollLast();
                idleCount--;
                if (e.getValue().isEmpty()) {
                    idle.remove(e.getKey());
                }
                forget(c, toClose);
                return true;
            }
        }
        return false;
    }

    private boolean closeOldestIdle(List<Connection> toClose) {
        Connection oldest = null;
        for (ArrayDeque<Connection> q : idle.values()) {
            Connection c = q.peekLast();
            if (c != null && (oldest == null || c.idleSinceNanos < oldest.idleSinceNanos)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        ArrayDeque<Connection> q = idle.get(oldest.origin());
        q.pollLast();
        idleCount--;
        if (q.isEmpty()) {
            idle.remove(oldest.origin());
        }
        forget(oldest, toClose);
        return true;
    }

    /** Drops a connection from the counts and queues it for closing outside the lock. */
    private void forget(Connection c, List<Connection> toClose) {
        forgetSlot(c.origin().host());
        toClose.add(c);
    }

    private void forgetSlot(String host) {
        total--;
        perHost.computeIfPresent(host, (h, n) -> n <= 1 ? null : n - 1);
    }

    private void releaseSlot(String host) {
        List<Connection> toClose = new ArrayList<>();
        lock.lock();
        try {
            forgetSlot(host);
            dispatch(toClose);
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
    }

    private void parkIdle(Connection c) {
        c.onIdleExpired(this::expire);
        c.idleSinceNanos = System.nanoTime();
        idle.computeIfAbsent(c.origin(), o -> new ArrayDeque<>()).addFirst(c);
        idleCount++;
        c.guard().arm(c.idleSinceNanos + idleTimeoutNanos, Deadline.IDLE);
    }

    void release(Connection c, boolean reusable) {
        List<Connection> toClose = new ArrayList<>();
        lock.lock();
        try {
            if (reusable && c.isOpen() && !closed) {
                parkIdle(c);
            } else {
                forget(c, toClose);
            }
            dispatch(toClose);
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
    }

    /**
     * Called when a guard fires: an idle connection that outlived the idle timeout leaves the
     * pool; a leased one is closed by the guard itself and comes back through release.
     */
    void expire(Connection c) {
        List<Connection> toClose = new ArrayList<>();
        lock.lock();
        try {
            ArrayDeque<Connection> q = idle.get(c.origin());
            if (q != null && q.remove(c)) {
                idleCount--;
                if (q.isEmpty()) {
                    idle.remove(c.origin());
                }
                forget(c, toClose);
                dispatch(toClose);
            }
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
    }

    private static void closeAll(List<Connection> connections) {
        for (Connection c : connections) {
            c.close();
            c.recycleBuffer();
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                LOG.log(System.Logger.Level.DEBUG, "closed " + c);
            }
        }
    }

    /** Closes idle connections and refuses new leases; leased connections close on release. */
    @Override
    public void close() {
        List<Connection> toClose = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            for (ArrayDeque<Connection> q : idle.values()) {
                for (Connection c : q) {
                    forget(c, toClose);
                }
            }
            idle.clear();
            idleCount = 0;
            for (Waiter w : waiters) {
                signal(w);
            }
            waiters.clear();
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
    }

    /** Connections open or opening, idle ones included. */
    public int openCount() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }

    public int idleCount() {
        lock.lock();
        try {
            return idleCount;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "ConnectionPool[leased=" + (total - idleCount) + " idle=" + idleCount
                    + " waiting=" + waiters.size() + " hosts=" + perHost.size() + "]";
        } finally {
            lock.unlock();
        }
    }
}
