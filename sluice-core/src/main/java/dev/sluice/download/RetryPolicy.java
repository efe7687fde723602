package dev.sluice.download;

import dev.sluice.ConnectFailedException;
import dev.sluice.HttpStatusException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.SluiceTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try a download again and how long to wait: exponential backoff with equal jitter
 * (half of {@code base * 2^attempt} fixed, the other half random, capped), or the server's
 * Retry-After when it gave one, waited in full (as curl and urllib3 do): retrying sooner than
 * asked only earns another refusal. A Retry-After beyond {@link #MAX_RETRY_AFTER} means the
 * server will not have it soon, and the job fails rather than holding the run. Retried:
 * connect failures, timeouts, truncated or malformed responses, and the statuses 408, 429,
 * 500, 502, 503, 504, and those outside 100-599 (taken as a 500, RFC 9110 §15); not other 4xx, never a checksum mismatch, and never a failure the next
 * attempt would meet again: a certificate rejected or a TLS refusal of this client (no client
 * certificate, no TLS version in common: {@link ConnectFailedException#isPermanent()}),
 * a redirect loop, too many redirects, a Location that cannot be followed
 * ({@link ProtocolViolationException#isPermanent()}).
 *
 * <pre>{@code
 * RetryPolicy p = RetryPolicy.of(3);                  // three retries after the first attempt
 * Duration d = p.delayFor(1, Optional.empty());        // between 1 and 2 x base
 * }</pre>
 *
 * @param retries       attempts after the first
 * @param base          the backoff unit
 * @param maxDelay      the cap of any one backoff delay (not of a Retry-After)
 * @param random        uniform numbers in [0, 1): injected so tests are exact
 */
public record RetryPolicy(int retries, Duration base, Duration maxDelay, DoubleSupplier random) {
    public static final Duration DEFAULT_BASE = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
    /** The longest Retry-After waited for; a longer one ends the job. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    /**
     * Checks now what {@link #delayFor} would trip on later, in the middle of a run.
     *
     * @throws IllegalArgumentException when {@code retries}, {@code base} or {@code maxDelay} is
     *                                  negative
     * @throws NullPointerException     when {@code base}, {@code maxDelay} or {@code random} is null
     */
    public RetryPolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative: " + retries);
        }
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(random, "random");
        if (base.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("base and maxDelay must not be negative: " + base + ", " + maxDelay);
        }
    }

    /** {@code retries} retries with the default backoff: 0.5 s doubling, each wait at most 30 s. */
    public static RetryPolicy of(int retries) {
        return new RetryPolicy(retries, DEFAULT_BASE, DEFAULT_MAX_DELAY, Math::random);
    }

    /** Whether a failure of this kind is worth another attempt. */
    public static boolean isRetryable(Exception e) {
        return switch (e) {
            case HttpStatusException s -> switch (s.status()) {
                case 408, 429, 500, 502, 503, 504 -> true;
                // Not a status of RFC 9110 (§15: three digits, 100-599): taken as a 5xx, so retried as a 500 is.
                default -> s.status() < 100 || s.status() > 599;
            };
            case ConnectFailedException c -> !c.isPermanent();
            case SluiceTimeoutException t -> true;
            case ProtocolViolationException p -> !p.isPermanent();
            default -> false;
        };
    }

    /** Whether a retry may wait for the server's Retry-After: none given, or at most {@link #MAX_RETRY_AFTER}. */
    public boolean allowsWaiting(Optional<Duration> retryAfter) {
        return retryAfter.isEmpty() || retryAfter.get().compareTo(MAX_RETRY_AFTER) <= 0;
    }

    /**
     * The wait before retry number {@code attempt} (1 for the first retry): the server's
     * Retry-After when given (at most {@link #MAX_RETRY_AFTER}), else equal jitter: with
     * {@code ceiling = min(maxDelay, base * 2^attempt)}, a delay between {@code ceiling / 2} and
     * {@code ceiling}. Each delay is then at least as long as any before it could be (full
     * jitter, between zero and the ceiling, sometimes retried a busy server within
     * milliseconds), and a crowd of clients still spreads out.
     */
    public Duration delayFor(int attempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            Duration d = retryAfter.get();
            return d.isNegative() ? Duration.ZERO : d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
        }
        double ceiling = Math.min(maxDelay.toNanos(), base.toNanos() * Math.pow(2, Math.max(0, attempt)));
        return Duration.ofNanos((long) (ceiling / 2 + random.getAsDouble() * ceiling / 2));
    }
}
