package dev.sluice.download;

import dev.sluice.Client;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A token bucket shared by all downloads: at most {@code bytesPerSecond} on average. It starts
 * empty, so the rate holds from the first byte; time spent not reading fills it up to one
 * second's worth. Callers take what they read after reading it, and wait when
 * the bucket runs dry; waiting parks a virtual thread, never holding the lock. A wait ends
 * no later than the caller's exchange does (its total timeout): at a low rate the debt of one
 * read is minutes, and the attempt must end at its deadline, not after them.
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
        this(bytesPerSecond, System::nanoTime, nanos -> Thread.sleep(Duration.ofNanos(nanos)));
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

    /**
     * The {@code System.nanoTime()} at which an exchange {@code client} sent at {@code sentNanos}
     * ends by its total timeout; empty when it has none (or one of centuries). The download's
     * requests set no timeout of their own, so the client's is theirs.
     */
    static OptionalLong deadline(Client client, long sentNanos) {
        long nanos = client.totalTimeout().map(RateLimiter::nanosOrMax).orElse(Long.MAX_VALUE);
        // Past half the range nanoTime differences overflow; such a deadline never comes anyway.
        return nanos >= Long.MAX_VALUE / 2 ? OptionalLong.empty() : OptionalLong.of(sentNanos + nanos);
    }

    private static long nanosOrMax(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** Accounts for {@code bytes} just read, sleeping as long as the average rate requires. */
    public void acquire(long bytes) throws InterruptedException {
        acquire(bytes, OptionalLong.empty());
    }

    /**
     * {@link #acquire(long)}, but the wait goes no further than {@code deadline} (a time of this
     * limiter's clock, {@code System.nanoTime()}) when there is one: the read after it then
     * fails with the total timeout. The bytes stay owed: the next caller waits them off.
     */
    void acquire(long bytes, OptionalLong deadline) throws InterruptedException {
        long waitNanos;
        long now;
        lock.lock();
        try {
            now = clock.getAsLong();
            tokens = Math.min(bytesPerSecond, tokens + (now - lastNanos) * (double) bytesPerSecond / 1e9);
            lastNanos = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
        } finally {
            lock.unlock();
        }
        if (deadline.isPresent()) {
            waitNanos = Math.min(waitNanos, Math.max(0, deadline.getAsLong() - now));
        }
        if (waitNanos > 0) {
            sleeper.sleepNanos(waitNanos);
        }
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }
}
