package dev.sluice.download;

import dev.sluice.Body;
import dev.sluice.engine.BodyExchange;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A token bucket shared by all downloads: at most {@code bytesPerSecond} on average. It starts
 * empty, so the rate holds from the first byte; time spent not reading fills it up to one
 * second's worth. Callers take what they read after reading it, and wait when
 * the bucket runs dry; waiting parks a virtual thread, never holding the lock. A wait ends
 * early when the caller's exchange does (its total timeout): at a low rate the debt of one read
 * is minutes, and the attempt must end at its deadline, not after them.
 */
final class RateLimiter {
    /** Waits; injected so tests need not sleep. */
    @FunctionalInterface
    interface Sleeper {
        /** Waits {@code nanos}, or less once {@code ended} is true (its setter unparks the thread). */
        void sleepNanos(long nanos, BooleanSupplier ended) throws InterruptedException;
    }

    private static void park(long nanos, BooleanSupplier ended) throws InterruptedException {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0 && !ended.getAsBoolean(); left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private final long bytesPerSecond;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: tokens available (may go negative: a debt to wait off). */
    private double tokens;
    /** Guarded by lock. */
    private long lastNanos;

    public RateLimiter(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime, RateLimiter::park);
    }

    RateLimiter(long bytesPerSecond, LongSupplier clock, Sleeper sleeper) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("rate must be at least 1 byte/s: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        // Empty: a full bucket let the first second's worth through at once, so a file of
        // that size took no time at all and the first job to start outran the others.
        this.tokens = 0;
        this.clock = clock;
        this.sleeper = sleeper;
        this.lastNanos = clock.getAsLong();
    }

    /** Accounts for {@code bytes} just read, sleeping as long as the average rate requires. */
    public void acquire(long bytes) throws InterruptedException {
        acquire(bytes, () -> false);
    }

    /**
     * {@link #acquire(long)}, but the wait ends as soon as {@code ended} is true; whoever sets
     * it unparks the waiting thread. The bytes stay owed: the next caller waits them off.
     */
    void acquire(long bytes, BooleanSupplier ended) throws InterruptedException {
        long waitNanos;
        lock.lock();
        try {
            long now = clock.getAsLong();
            tokens = Math.min(bytesPerSecond, tokens + (now - lastNanos) * (double) bytesPerSecond / 1e9);
            lastNanos = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
        } finally {
            lock.unlock();
        }
        if (waitNanos > 0) {
            sleeper.sleepNanos(waitNanos, ended);
        }
    }

    /**
     * What ends a wait of the thread reading {@code body}: its exchange's total timeout, which
     * then unparks that thread. To be called on that thread.
     */
    static BooleanSupplier endOf(Body body) {
        Thread reader = Thread.currentThread();
        AtomicBoolean ended = new AtomicBoolean();
        BodyExchange.of(body).onTotalTimeout(() -> {
            ended.set(true);
            LockSupport.unpark(reader);
        });
        return ended::get;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }
}
