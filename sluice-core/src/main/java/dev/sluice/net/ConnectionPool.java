package dev.sluice.net;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Connections per origin, with a limit in total and per host, keep-alive reuse and idle
 * eviction.
 *
 * <p>Theory of operation: every caller of {@link #acquire} joins the queue of its origin, in
 * the order of its ticket ({@link #ticket()}), and one function, {@link #dispatch}, run under
 * the lock after every change, grants what can be granted: idle connections to the first
 * waiters of their origin, then slots for new connections to the first waiter with the lowest
 * ticket, across origins, whose host has room (closing idle connections nobody in line takes
 * when a limit is reached). A waiter whose host is at its limit does not block the waiters of
 * other hosts. A connection that frees thus serves its own origin's line first: handing it to
 * an earlier waiter of another origin would close it and open another, for almost every
 * request when two busy origins share the total limit. That waiter is served by its own
 * origin's connections as they free, unless its origin has fewer in use than the freed
 * connection's (or none: nothing would come back to its line), when an idle connection is
 * closed to make room for it; so the shares of busy origins even out and then stay (see
 * {@link #yieldsTo}). The work per change grows with the square of the number of origins
 * waiting, not with the number of waiters, so a thousand requests queued behind sixteen
 * connections cost little. Connecting and closing happen outside the lock; the lock guards
 * only counts and queues.
 *
 * <p>Why tickets: an asynchronous request reaches {@code acquire} on a virtual thread of its
 * own, and the scheduler starts those threads in no promised order (a burst of 5,000 came
 * up to 1,232 places out of order). The caller takes the ticket where the request is made,
 * so requests are served in the order they were made, as far as they are waiting when a
 * connection frees; a request is not held back for an earlier one that has not arrived.
 */
public final class ConnectionPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectionPool.class.getName());
    /**
     * An idle connection older than this is also probed for a close by the server before
     * reuse; a younger one only for bytes the server sent (see {@link #pollIdle}).
     */
    private static final long CLOSE_PROBE_AFTER_NANOS = 1_000_000_000L;
    /**
     * A request that cannot be sent again ({@link Reuse#IDLE_CHECKED}) takes no connection idle
     * longer than this. Servers close idle connections after a few seconds (lighttpd, Node,
     * Apache, uvicorn: 5 s; gunicorn: 2 s), and one that does so just as the request arrives
     * answers it with a close that no probe before the write can see: measured against
     * lighttpd, 27 of 60 POSTs sent after 4.9 to 6.1 s idle met one. The request's fate is then
     * unknown (RFC 9112 §9.3.1), so it must not meet that moment: past this age a new
     * connection costs a handshake, not a failed request.
     */
    static final long UNRETRYABLE_MAX_IDLE_NANOS = 1_000_000_000L;

    private final Connector connector;
    private final int maxTotal;
    private final int maxPerHost;
    private final long idleTimeoutNanos;
    private final long unretryableMaxIdleNanos;

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: idle connections per origin, most recently used first. */
    private final Map<Origin, ArrayDeque<Connection>> idle = new HashMap<>();
    /** Guarded by lock: open or opening connections per host (idle ones included). */
    private final Map<String, Integer> perHost = new HashMap<>();
    /** Guarded by lock: open or opening connections per origin (idle ones included). */
    private final Map<Origin, Integer> perOrigin = new HashMap<>();
    /** Guarded by lock: waiters per origin, each queue in ticket order. */
    private final Map<Origin, ArrayDeque<Waiter>> waiting = new HashMap<>();
    /** Guarded by lock. */
    private int waitingCount;
    /** Tickets: the order in which requests were made, to serve waiters in that order. */
    private final AtomicLong tickets = new AtomicLong();
    /** Guarded by lock. */
    private int total;
    /** Guarded by lock. */
    private int idleCount;
    /** Guarded by lock. */
    private boolean closed;

    private static final class Waiter {
        final Origin origin;
        final Reuse reuse;
        final long ticket;
        Condition granted;
        Connection connection;
        boolean slot;

        Waiter(Origin origin, Reuse reuse, long ticket) {
            this.origin = origin;
            this.reuse = reuse;
            this.ticket = ticket;
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
        this(connector, maxTotal, maxPerHost, idleTimeoutNanos, UNRETRYABLE_MAX_IDLE_NANOS);
    }

    /** As above, with the longest idle time a request that cannot be sent again accepts (tests). */
    ConnectionPool(Connector connector, int maxTotal, int maxPerHost, long idleTimeoutNanos, long unretryableMaxIdleNanos) {
        if (maxTotal < 1 || maxPerHost < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        this.connector = connector;
        this.maxTotal = maxTotal;
        this.maxPerHost = maxPerHost;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.unretryableMaxIdleNanos = unretryableMaxIdleNanos;
    }

    /**
     * A place in line for a request made now: pass it to {@link #acquire} when the request gets
     * there, however much later and on whatever thread. Tickets rise with each call.
     */
    public long ticket() {
        return tickets.getAndIncrement();
    }

    /**
     * A connection to {@code origin}: an idle one when there is one and {@code reuse} allows it,
     * or a new one. Waits in line, in the order of {@code ticket}, while the limits are reached;
     * fails with {@link DeadlineExceededException} of kind {@code waitKind} when
     * {@code deadlineNanos} passes first ({@code Long.MAX_VALUE}: no deadline). A new connection
     * must be open by {@code connectDeadline}, asked once the wait is over.
     *
     * @throws PoolClosedException when the pool is closed, or closes while this caller waits
     */
    public Lease acquire(Origin origin, Reuse reuse, long ticket, long deadlineNanos, Deadline waitKind,
                         LongSupplier connectDeadline) throws IOException, InterruptedException {
        List<Connection> toClose = new ArrayList<>();
        Waiter w;
        lock.lock();
        try {
            if (closed) {
                throw new PoolClosedException();
            }
            w = new Waiter(origin, reuse, ticket);
            enqueue(waiting.computeIfAbsent(origin, o -> new ArrayDeque<>()), w);
            waitingCount++;
            dispatch(toClose);
            // Long.MAX_VALUE is no deadline: an untimed wait spares each parked virtual thread a timer.
            boolean timed = deadlineNanos != Long.MAX_VALUE;
            while (!w.isGranted()) {
                long wait = timed ? deadlineNanos - System.nanoTime() : Long.MAX_VALUE;
                if (wait <= 0) {
                    leaveQueue(w);
                    throw new DeadlineExceededException(waitKind, DeadlineExceededException.Stage.POOL_WAIT,
                            "no connection to " + origin + " became free in time (" + this + ")");
                }
                if (w.granted == null) {
                    w.granted = lock.newCondition();
                }
                try {
                    if (timed) {
                        w.granted.awaitNanos(wait);
                    } else {
                        w.granted.await();
                    }
                } catch (InterruptedException e) {
                    if (!w.isGranted()) {
                        leaveQueue(w);
                        throw e;
                    }
                    // Granted while interrupted: hand the grant back, then report the interrupt.
                    giveBack(w, toClose);
                    throw e;
                }
                if (closed && !w.isGranted()) {
                    throw new PoolClosedException();
                }
            }
        } finally {
            lock.unlock();
            closeAll(toClose);
        }
        if (w.connection != null) {
            return new Lease(this, w.connection, true);
        }
        Connection c;
        try {
            c = connector.connect(origin, connectDeadline.getAsLong());
        } catch (Throwable e) {
            // Errors too (no direct memory left for the read buffer): a slot that outlived its
            // failed connect would be lost for good.
            releaseSlot(origin);
            throw e;
        }
        return new Lease(this, c, false);
    }

    /**
     * Puts {@code w} in {@code q} in ticket order: from the back, past the waiters with later
     * tickets. Requests mostly arrive in order, so this rarely moves any.
     */
    private static void enqueue(ArrayDeque<Waiter> q, Waiter w) {
        Waiter last = q.peekLast();
        if (last == null || last.ticket < w.ticket) {
            q.addLast(w);
            return;
        }
        ArrayDeque<Waiter> later = new ArrayDeque<>();
        while (!q.isEmpty() && q.peekLast().ticket > w.ticket) {
            later.addFirst(q.pollLast());
        }
        q.addLast(w);
        q.addAll(later);
    }

    private void giveBack(Waiter w, List<Connection> toClose) {
        if (w.connection == null) {
            forgetSlot(w.origin);
        } else if (closed) {
            forget(w.connection, toClose); // a closed pool keeps nothing idle
        } else {
            // Back unused: it has been idle since it was parked, not since now (a request that
            // cannot be retried must see its age, and its idle timeout runs on).
            parkIdle(w.connection, w.connection.idleSinceNanos);
        }
        dispatch(toClose);
    }

    private void leaveQueue(Waiter w) {
        ArrayDeque<Waiter> q = waiting.get(w.origin);
        if (q != null && q.remove(w)) {
            waitingCount--;
            if (q.isEmpty()) {
                waiting.remove(w.origin);
            }
        }
    }

    /**
     * Grants what can be granted. First idle connections, each to the first waiter of its own
     * origin (so that kept-alive connections are reused rather than closed for someone else),
     * then slots for new connections, lowest ticket first across origins, to waiters whose host
     * has room (closing idle connections that no first waiter takes to make it). Two rules keep
     * the order honest: within an origin the line is kept (a first waiter that wants a new
     * connection, a retry, is not passed by those behind it who would take an idle one: it gets
     * a slot, for which an idle connection of its host is closed if need be); and at the total
     * limit an idle connection goes to an earlier waiter of another origin whose share of
     * connections in use is smaller, or nil ({@link #yieldsTo}): closed, for a slot of that
     * waiter's. Each round grants or returns, so the loop ends. Call with the lock held.
     */
    private void dispatch(List<Connection> toClose) {
        while (waitingCount > 0) {
            if (idleCount > 0) {
                handOutIdle(toClose);
            }
            Waiter oldest = null;
            for (ArrayDeque<Waiter> q : waiting.values()) {
                Waiter head = q.peekFirst();
                if ((oldest == null || head.ticket < oldest.ticket) && mayOpen(head.origin.host())) {
                    oldest = head;
                }
            }
            if (oldest == null) {
                return;
            }
            String host = oldest.origin.host();
            if (perHost.getOrDefault(host, 0) >= maxPerHost) {
                // Idle connections to this host that the waiter cannot use (another scheme or
                // port, or it wants a fresh one) give way.
                closeIdleOf(host, toClose);
            }
            if (total >= maxTotal) {
                closeOldestIdle(toClose);
            }
            total++;
            perHost.merge(host, 1, Integer::sum);
            perOrigin.merge(oldest.origin, 1, Integer::sum);
            oldest.slot = true;
            leaveQueue(oldest);
            signal(oldest);
        }
    }

    /**
     * Gives idle connections to the first waiters of their origin, in line, while the first one
     * takes a reused connection and no other origin has a better claim ({@link #yieldsTo}).
     */
    private void handOutIdle(List<Connection> toClose) {
        for (var entries = waiting.entrySet().iterator(); entries.hasNext(); ) {
            var entry = entries.next();
            if (!idle.containsKey(entry.getKey())) {
                continue;
            }
            ArrayDeque<Waiter> q = entry.getValue();
            Waiter w;
            while ((w = q.peekFirst()) != null && w.reuse != Reuse.NEW && !yieldsTo(w)) {
                Connection c = pollIdle(w.origin, w.reuse == Reuse.IDLE_CHECKED, toClose);
                if (c == null) {
                    break;
                }
                w.connection = c;
                q.pollFirst();
                waitingCount--;
                signal(w);
            }
            if (q.isEmpty()) {
                entries.remove();
            }
        }
    }

    /**
     * Whether {@code w}, first in its origin's line, should leave the idle connection of its
     * origin to be closed for an earlier first waiter of another origin: one who cannot reuse a
     * connection, has no room to open one unless an idle connection is closed (the total limit,
     * or the limit of its host, which must then be {@code w}'s host), and whose origin has fewer
     * connections in use than {@code w}'s, or none. The shares of busy origins so even out, one
     * connection at a time, and then stay: an origin that has as many in use keeps its freed
     * connections (closing one to open another gains nothing), and one with none in use, whose
     * line nothing would ever come back to, is never passed.
     */
    private boolean yieldsTo(Waiter w) {
        int mine = -1;
        for (ArrayDeque<Waiter> q : waiting.values()) {
            Waiter head = q.peekFirst();
            if (head.ticket > w.ticket || head.origin.equals(w.origin)
                    || (head.reuse != Reuse.NEW && idle.containsKey(head.origin))) {
                continue;
            }
            String host = head.origin.host();
            boolean hostFull = perHost.getOrDefault(host, 0) >= maxPerHost;
            if (!hostFull && total < maxTotal) {
                continue; // it gets a slot of its own
            }
            if (hostFull && !host.equals(w.origin.host())) {
                continue; // closing w's connection would not make room on its host
            }
            if (!mayOpen(host)) {
                continue;
            }
            if (mine < 0) {
                mine = inUse(w.origin);
            }
            int theirs = inUse(head.origin);
            if (theirs == 0 || theirs < mine) {
                return true;
            }
        }
        return false;
    }

    /** Connections of {@code origin} open or opening and not idle. */
    private int inUse(Origin origin) {
        ArrayDeque<Connection> idleOfOrigin = idle.get(origin);
        return perOrigin.getOrDefault(origin, 0) - (idleOfOrigin == null ? 0 : idleOfOrigin.size());
    }

    /** Whether a new connection to {@code host} can be granted now, closing idle ones if need be. */
    private boolean mayOpen(String host) {
        boolean hostRoom = perHost.getOrDefault(host, 0) < maxPerHost || hasIdleOf(host);
        return hostRoom && (total < maxTotal || idleCount > 0);
    }

    private boolean hasIdleOf(String host) {
        for (var e : idle.entrySet()) {
            if (e.getKey().host().equals(host) && !e.getValue().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static void signal(Waiter w) {
        if (w.granted != null) {
            w.granted.signal();
        }
    }

    /**
     * The most recently used idle connection to {@code origin} that passes its health check,
     * closing those that fail it. Every one is checked for bytes the server sent after the last
     * response ended (a second response, a body after a 204), however briefly it was idle:
     * they would otherwise be read as the answer to the next request. A close by the server is
     * probed for too when {@code unretryable} (a request that cannot be sent again) or the
     * connection has been idle a while; a request that can be retried goes again on a new
     * connection should a young idle one turn out closed. Measured on this machine: the check
     * for bytes costs about 0.4 µs, the probe for a close 1.5 µs, a small GET on one
     * connection 40 to 70 µs. Both are done under the lock since neither blocks.
     *
     * <p>A request that cannot be retried takes none idle longer than
     * {@link #UNRETRYABLE_MAX_IDLE_NANOS}: the most recent such one is closed (the older ones
     * are older still, and stay for requests that can be retried), and a new connection is made.
     */
    private Connection pollIdle(Origin origin, boolean unretryable, List<Connection> toClose) {
        ArrayDeque<Connection> q = idle.get(origin);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        Connection c;
        while ((c = q.pollFirst()) != null) {
            idleCount--;
            c.guard().disarm();
            if (unretryable && now - c.idleSinceNanos > unretryableMaxIdleNanos) {
                forget(c, toClose);
                c = null;
                break;
            }
            if (c.isHealthy(unretryable || now - c.idleSinceNanos > CLOSE_PROBE_AFTER_NANOS)) {
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
        forgetSlot(c.origin());
        toClose.add(c);
    }

    private void forgetSlot(Origin origin) {
        total--;
        perHost.computeIfPresent(origin.host(), (h, n) -> n <= 1 ? null : n - 1);
        perOrigin.computeIfPresent(origin, (o, n) -> n <= 1 ? null : n - 1);
    }

    private void releaseSlot(Origin origin) {
        List<Connection> toClose = new ArrayList<>();
        lock.lock();
        try {
            forgetSlot(origin);
            dispatch(toClose);
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
    }

    private void parkIdle(Connection c) {
        parkIdle(c, System.nanoTime());
    }

    private void parkIdle(Connection c, long idleSinceNanos) {
        c.onIdleExpired(this::expire);
        c.idleSinceNanos = idleSinceNanos;
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
        // On the watchdog's thread, which must not block: a plain connection ends with a FIN,
        // which does not (a reset would tell the server something went wrong when the
        // connection merely idled out). A TLS one sends its close_notify (RFC 9112 §9.8: a
        // client MUST) from a thread of its own, as one that cannot go out (a peer that left
        // bytes of ours unread) would stop every deadline of the client; Connection.close
        // bounds that wait by a deadline of the watchdog.
        List<Connection> tls = new ArrayList<>();
        toClose.removeIf(conn -> conn.isTls() && tls.add(conn));
        closeAll(toClose);
        if (!tls.isEmpty()) {
            Thread.ofVirtual().name("sluice-idle-close").start(() -> closeAll(tls));
        }
    }

    /** Closes, with a TLS close_notify, and recycles the buffers. */
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
            for (ArrayDeque<Waiter> q : waiting.values()) {
                for (Waiter w : q) {
                    signal(w);
                }
            }
            waiting.clear();
            waitingCount = 0;
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "ConnectionPool[leased=" + (total - idleCount) + " idle=" + idleCount
                    + " waiting=" + waitingCount + " hosts=" + perHost.size() + "]";
        } finally {
            lock.unlock();
        }
    }
}
