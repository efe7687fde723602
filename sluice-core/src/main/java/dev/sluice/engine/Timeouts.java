package dev.sluice.engine;

import java.time.Duration;

/**
 * The time limits of one exchange: connect and read (longest silence) as durations, total as
 * an absolute deadline on {@link System#nanoTime()} fixed when the request started.
 *
 * @param connect            TCP connect plus TLS handshake, and waiting for a pooled connection
 * @param read               the longest silence while reading or writing
 * @param total              the whole exchange, or null for no limit
 * @param totalDeadlineNanos when the total limit passes; {@link Long#MAX_VALUE} for none
 */
public record Timeouts(Duration connect, Duration read, Duration total, long totalDeadlineNanos) {

    public static Timeouts startingNow(Duration connect, Duration read, Duration total) {
        long deadline = total == null ? Long.MAX_VALUE : System.nanoTime() + total.toNanos();
        return new Timeouts(connect, read, total, deadline);
    }

    /** The deadline for connecting, which the total limit may shorten. */
    public long connectDeadlineNanos() {
        return Math.min(System.nanoTime() + connect.toNanos(), totalDeadlineNanos);
    }

    /** The deadline for the next read or write. */
    public long ioDeadlineNanos() {
        long now = System.nanoTime();
        long silence = now + read.toNanos();
        return silence - totalDeadlineNanos < 0 ? silence : totalDeadlineNanos;
    }
}
