package dev.sluice.net;

/**
 * The deadline of one connection's current blocking operation. The blocked thread cannot time
 * itself out (a blocking {@code SocketChannel} read ignores {@code SO_TIMEOUT}), so the
 * {@link Watchdog} fires the guard, which closes the socket and so wakes the reader with an
 * exception; the reader then asks {@link #fired()} why.
 *
 * <p>Arming costs one small object and two volatile accesses: the watchdog is touched only when a
 * deadline moves earlier than the time the watchdog will look next, so a stream of reads that
 * keeps pushing its deadline forward never takes the watchdog's lock.
 *
 * <p>A deadline and its kind are one immutable {@link Armed} value, written and read at once: a
 * firing that found an idle deadline passed must not report the kind of an operation armed
 * after it (a read of an exchange that took the connection from the pool meanwhile), which
 * would close a healthy exchange as timed out.
 */
public final class Guard {
    static final long NONE = Long.MAX_VALUE;

    /** A deadline on {@link System#nanoTime()} and what it bounds. */
    private record Armed(long deadlineNanos, Deadline kind) {
    }

    private static final Armed DISARMED = new Armed(NONE, Deadline.READ);

    private final Watchdog watchdog;
    private final Runnable onFire;
    final long id;

    /** The current operation's deadline, or DISARMED. */
    private volatile Armed armed = DISARMED;
    /** When the watchdog looks at this guard next, or NONE when it is not queued. */
    volatile long scheduledNanos = NONE;
    /** Guarded by the watchdog's lock. */
    boolean queued;
    private volatile Deadline fired;

    Guard(Watchdog watchdog, long id, Runnable onFire) {
        this.watchdog = watchdog;
        this.id = id;
        this.onFire = onFire;
    }

    /** Sets the deadline of the operation about to block; {@code deadlineNanos} is on {@link System#nanoTime()}. */
    public void arm(long deadlineNanos, Deadline kind) {
        armed = new Armed(deadlineNanos, kind);
        // Pairs with the watchdog writing scheduledNanos and then reading the deadline: at
        // least one of the two sees the other's write, so an armed guard is never dropped.
        if (deadlineNanos < scheduledNanos) {
            watchdog.schedule(this);
        }
    }

    /** The operation ended in time. */
    public void disarm() {
        armed = DISARMED;
    }

    /**
     * {@link #disarm()} for a guard armed once for a long time (the total deadline of an
     * exchange): it also leaves the watchdog's queue at once, so that guards of ended
     * exchanges do not pile up there until their deadlines, an hour away perhaps. Takes the
     * watchdog's lock when the guard is queued; not for per-read use.
     */
    public void disarmAndForget() {
        armed = DISARMED;
        if (scheduledNanos != NONE) {
            watchdog.forget(this);
        }
    }

    /** Why the watchdog closed the connection, or null when it did not. */
    public Deadline fired() {
        return fired;
    }

    long deadlineNanos() {
        return armed.deadlineNanos();
    }

    /**
     * Closes the connection for a deadline that has passed. The watchdog decides under its lock
     * and fires after it: meanwhile the operation may have ended, and on a pooled connection
     * another exchange's may have begun; so the deadline is looked at once more, and the kind
     * reported is the one of the deadline that passed, read with it.
     */
    void fire() {
        Armed a = armed;
        if (a.deadlineNanos() == NONE || a.deadlineNanos() - watchdog.nanoTime() > 0) {
            return;
        }
        fired = a.kind();
        onFire.run();
    }
}
