package dev.sluice.engine;

import dev.sluice.net.Deadline;
import java.time.Duration;

/**
 * The time limits of one exchange: connect and read (longest silence) as durations, total as
 * an absolute deadline on {@link System#nanoTime()} fixed when the request started.
 *
 * @param connect            TCP connect plus TLS handshake
 * @param read               the longest silence while reading or writing
 * @param total              the whole exchange, or null for no limit
 * @param pool               waiting for a free connection when the pool is at its limits, or
 *                           null for no limit but the total one
 * @param totalDeadlineNanos when the total limit passes; {@link Long#MAX_VALUE} for none
 * @param drainNanos         the longest wait for the rest of a body that is closed early, so
 *                           that its connection can be reused
 */
public record Timeouts(Duration connect, Duration read, Duration total, Duration pool, long totalDeadlineNanos,
                       long drainNanos) {
    /** What a response closed before its end waits for its rest, at most: reuse must be quick. */
    public static final Duration DEFAULT_DRAIN = Duration.ofMillis(200);

    public static Timeouts startingNow(Duration connect, Duration read, Duration total, Duration pool) {
        return startingNow(connect, read, total, pool, DEFAULT_DRAIN);
    }

    public static Timeouts startingNow(Duration connect, Duration read, Duration total, Duration pool, Duration drain) {
        long deadline = total == null ? Long.MAX_VALUE : System.nanoTime() + total.toNanos();
        return new Timeouts(connect, read, total, pool, deadline, drain.toNanos());
    }

    /** The deadline for waiting for a free pooled connection. */
    public long poolDeadlineNanos() {
        if (pool == null) {
            return totalDeadlineNanos;
        }
        long wait = System.nanoTime() + pool.toNanos();
        return wait - totalDeadlineNanos < 0 ? wait : totalDeadlineNanos;
    }

    /** The deadline for connecting, which the total limit may shorten. */
    public long connectDeadlineNanos() {
        long connectBy = System.nanoTime() + connect.toNanos();
        return connectBy - totalDeadlineNanos < 0 ? connectBy : totalDeadlineNanos;
    }

    /** The deadline for the next read or write. */
    public long ioDeadlineNanos() {
        long now = System.nanoTime();
        long silence = now + read.toNanos();
        return silence - totalDeadlineNanos < 0 ? silence : totalDeadlineNanos;
    }

    /** Which limit {@code deadlineNanos}, one {@link #ioDeadlineNanos()} gave, stands for. */
    public Deadline ioDeadlineKind(long deadlineNanos) {
        return deadlineNanos == totalDeadlineNanos ? Deadline.TOTAL : Deadline.READ;
    }
}
