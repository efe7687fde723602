package dev.sluice.download;

import dev.sluice.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Parses Retry-After: delay-seconds or an HTTP-date in any of its three formats (RFC 9110 §10.2.3, §5.6.7). */
final class RetryAfter {
    /**
     * What a delay-seconds too large for a long becomes: longer than any limit, and equal to no
     * value that parses (those are whole seconds; this one has 999,999,999 ns more than the
     * largest). Nothing converts it to nanoseconds: {@link RetryPolicy#delayFor} caps it first.
     */
    static final Duration BEYOND_COUNTING = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    private RetryAfter() {
    }

    /** The wait {@code response}'s Retry-After asks for, when it has one that parses. */
    static Optional<Duration> of(Response response) {
        return response.headers().first("Retry-After").flatMap(RetryAfter::parse);
    }

    static Optional<Duration> parse(String value) {
        return parse(value, Instant.now());
    }

    static Optional<Duration> parse(String value, Instant now) {
        String v = value.trim();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException e) {
                return Optional.of(BEYOND_COUNTING);
            }
        }
        return HttpDate.parse(v, now).map(at -> {
            Duration d = Duration.between(now, at);
            return d.isNegative() ? Duration.ZERO : d;
        });
    }
}
