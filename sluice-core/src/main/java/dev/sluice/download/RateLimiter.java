package dev.sluice.download;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket shared by all downloads: at most {@code bytesPerSecond} on average, with a
 * burst of one second's worth. Callers take what they read after reading it, and wait when
 * the bucket runs dry; waiting parks a virtual thread, never holding the lock.
 */
public final class RateLimiter {
    private final long bytesPerSecond;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: tokens available (may go negative: a debt to wait off). */
    private double tokens;
    /** Guarded by lock. */
    private long lastNanos = System.nanoTime();

    public RateLimiter(long bytesPerSecond) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("rate must be at least 1 byte/s: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
    }

    /** Accounts for {@code bytes} just read, sleeping as long as the average rate requires. */
    public void acquire(long bytes) throws InterruptedException {
        long waitNanos;
        lock.lock();
        try {
            long now = System.nanoTime();
            tokens = Math.min(bytesPerSecond, tokens + (now - lastNanos) * (double) bytesPerSecond / 1e9);
            lastNanos = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
        } finally {
            lock.unlock();
        }
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }
}
