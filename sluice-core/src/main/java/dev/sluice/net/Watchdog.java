package dev.sluice.net;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One daemon thread that fires the deadlines of blocking socket operations: connect, the
 * longest silence while reading, the whole exchange, and the idle life of pooled connections.
 *
 * <p>Theory of operation: guards sit in a set ordered by the time the watchdog should look at
 * them next. When that time comes the watchdog reads the guard's current deadline: if it has
 * passed, the guard fires (outside the lock); if it moved later (the reader made progress), the
 * guard is queued again at the new deadline; if the operation ended, the guard leaves the set.
 */
public final class Watchdog implements AutoCloseable {
    /** How long the thread lingers with nothing to watch. */
    private static final long IDLE_EXIT_NANOS = 5_000_000_000L;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the earliest scheduled time moves earlier, or on close. */
    private final Condition changed = lock.newCondition();
    /** Guarded by lock. */
    private final TreeSet<Guard> queue = new TreeSet<>(Watchdog::bySchedule);
    private final AtomicLong ids = new AtomicLong();
    /** The clock of every deadline: {@link System#nanoTime()}, but in tests. */
    private final LongSupplier clock;
    /** Guarded by lock. */
    private Thread thread;
    /** Guarded by lock. */
    private boolean closed;

    public Watchdog() {
        this(System::nanoTime);
    }

    /** A watchdog reading {@code clock}, which tests use to act between the steps of a guard's firing. */
    Watchdog(LongSupplier clock) {
        this.clock = clock;
    }

    long nanoTime() {
        return clock.getAsLong();
    }

    /** Queue order: when to look next, then creation (two guards due at once are both kept). */
    private static int bySchedule(Guard a, Guard b) {
        int c = Long.compare(a.scheduledNanos, b.scheduledNanos);
        return c != 0 ? c : Long.compare(a.id, b.id);
    }

    /** A guard whose firing runs {@code onFire} (which should close the socket). */
    public Guard newGuard(Runnable onFire) {
        return new Guard(this, ids.incrementAndGet(), onFire);
    }

    void schedule(Guard guard) {
        lock.lock();
        try {
            long deadline = guard.deadlineNanos();
            if (closed || deadline == Guard.NONE) {
                return;
            }
            if (guard.queued) {
                if (guard.scheduledNanos <= deadline) {
                    return;
                }
                queue.remove(guard);
            }
            guard.scheduledNanos = deadline;
            guard.queued = true;
            queue.add(guard);
            if (queue.first() == guard) {
                changed.signal();
            }
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("sluice-watchdog").start(this::run);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes a disarmed guard out of the queue now rather than when its time comes. */
    void forget(Guard guard) {
        lock.lock();
        try {
            // Armed again meanwhile (not by the users of disarmAndForget, but cheap to respect).
            if (guard.queued && guard.deadlineNanos() == Guard.NONE) {
                queue.remove(guard); // before scheduledNanos changes: the queue is ordered by it
                guard.queued = false;
                guard.scheduledNanos = Guard.NONE;
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<Guard> due = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (due.isEmpty()) {
                    if (closed) {
                        return;
                    }
                    if (queue.isEmpty()) {
                        // No deadline to watch: the thread ends after a while and the next
                        // schedule() starts another, so an unused client holds no thread.
                        if (changed.awaitNanos(IDLE_EXIT_NANOS) <= 0 && queue.isEmpty()) {
                            thread = null;
                            return;
                        }
                        continue;
                    }
                    Guard first = queue.first();
                    long now = clock.getAsLong();
                    long wait = first.scheduledNanos - now;
                    if (wait > 0) {
                        changed.awaitNanos(wait);
                        continue;
                    }
                    queue.pollFirst();
                    first.queued = false;
                    first.scheduledNanos = Guard.NONE;
                    long deadline = first.deadlineNanos();
                    if (deadline == Guard.NONE) {
                        continue;
                    }
                    if (deadline - now > 0) {
                        first.scheduledNanos = deadline;
                        first.queued = true;
                        queue.add(first);
                    } else {
                        due.add(first);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (Guard g : due) {
                try {
                    g.fire();
                } catch (RuntimeException e) {
                    System.getLogger(Watchdog.class.getName())
                            .log(System.Logger.Level.WARNING, "closing a timed-out connection failed", e);
                }
            }
            due.clear();
        }
    }

    /** For diagnostics: {@code Watchdog[queued=2]}, the guards waiting for their time. */
    @Override
    public String toString() {
        lock.lock();
        try {
            return "Watchdog[queued=" + queue.size() + "]";
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
