package dev.sluice.download;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A token bucket shared by all downloads: at most {@code bytesPerSecond} on average. It starts
 * empty, so the rate holds from the first byte; time spent not reading fills it up to one
 * second's worth. Callers take what they read after reading it, and wait when
 * the bucket runs dry; waiting parks a virtual thread, never holding the lock.
 */
final class RateLimiter {
    /** Waits; injected so tests need not sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
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
        this(bytesPerSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
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
            sleeper.sleepNanos(waitNanos);
        }
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }
}
