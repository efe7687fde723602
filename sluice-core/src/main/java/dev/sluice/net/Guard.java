package dev.sluice.net;

/**
 * The deadline of one connection's current blocking operation. The blocked thread cannot time
 * itself out (a blocking {@code SocketChannel} read ignores {@code SO_TIMEOUT}), so the
 * {@link Watchdog} fires the guard, which closes the socket and so wakes the reader with an
 * exception; the reader then asks {@link #fired()} why.
 *
 * <p>Arming costs two volatile accesses and allocates nothing: the watchdog is touched only when
 * a deadline moves earlier than the time the watchdog will look next, so a stream of reads that
 * keeps pushing its deadline forward never takes the watchdog's lock.
 *
 * <p>A deadline and its kind are one {@code long}, written and read at once: a firing that found
 * an idle deadline passed must not report the kind of an operation armed after it (a read of an
 * exchange that took the connection from the pool meanwhile), which would close a healthy
 * exchange as timed out. The kind sits in the low {@link #KIND_BITS} bits, so a deadline is
 * kept rounded down to a multiple of 8 ns: it may fire up to 7 ns early, far below any
 * timeout's meaning. (A record holding both, made anew on every read, cost an allocation per
 * socket read.)
 */
public final class Guard {
    static final long NONE = Long.MAX_VALUE;

    /** Low bits of {@link #armed} that hold the kind's ordinal; the rest is the deadline. */
    private static final int KIND_BITS = 3;
    private static final long KIND_MASK = (1L << KIND_BITS) - 1;
    private static final Deadline[] KINDS = Deadline.values();

    static {
        // NONE has all kind bits set: that pattern must stay no kind's, so that no armed value
        // ever equals NONE.
        if (KINDS.length > KIND_MASK) {
            throw new ExceptionInInitializerError("Deadline has more kinds than Guard's " + KIND_BITS + " bits hold");
        }
    }

    private final Watchdog watchdog;
    private final Runnable onFire;
    final long id;

    /**
     * The current operation's deadline on {@link System#nanoTime()} rounded down to a multiple of
     * 8, with its kind's ordinal in the low bits; or NONE when disarmed.
     */
    private volatile long armed = NONE;
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
        // NONE stays NONE (no deadline: never fires). Any other value, rounded down, is at most
        // NONE - 7 before its kind goes in (ordinals below 7), so it never reads as NONE; the
        // rounding is a mask, which cannot overflow, near Long.MIN_VALUE either.
        long packed = deadlineNanos == NONE ? NONE : (deadlineNanos & ~KIND_MASK) | kind.ordinal();
        armed = packed;
        // Pairs with the watchdog writing scheduledNanos and then reading the deadline: at
        // least one of the two sees the other's write, so an armed guard is never dropped.
        if (deadlineOf(packed) < scheduledNanos) {
            watchdog.schedule(this);
        }
    }

    /** The operation ended in time. */
    public void disarm() {
        armed = NONE;
    }

    /**
     * {@link #disarm()} for a guard armed once for a long time (the total deadline of an
     * exchange): it also leaves the watchdog's queue at once, so that guards of ended
     * exchanges do not pile up there until their deadlines, an hour away perhaps. Takes the
     * watchdog's lock when the guard is queued; not for per-read use.
     */
    public void disarmAndForget() {
        armed = NONE;
        if (scheduledNanos != NONE) {
            watchdog.forget(this);
        }
    }

    /** Why the watchdog closed the connection, or null when it did not. */
    public Deadline fired() {
        return fired;
    }

    long deadlineNanos() {
        return deadlineOf(armed);
    }

    private static long deadlineOf(long packed) {
        return packed == NONE ? NONE : packed & ~KIND_MASK;
    }

    /**
     * Closes the connection for a deadline that has passed. The watchdog decides under its lock
     * and fires after it: meanwhile the operation may have ended, and on a pooled connection
     * another exchange's may have begun; so the deadline is looked at once more, and the kind
     * reported is the one of the deadline that passed, read with it.
     */
    void fire() {
        long a = armed; // once: the deadline and its kind together
        long deadline = deadlineOf(a);
        if (deadline == NONE || deadline - watchdog.nanoTime() > 0) {
            return;
        }
        fired = KINDS[(int) (a & KIND_MASK)];
        onFire.run();
    }
}
