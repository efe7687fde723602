package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ConnectFailedException;
import dev.sluice.HttpStatusException;
import dev.sluice.IntegrityException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.ReadTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final URI U = URI.create("http://127.0.0.1:1/x");

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void transientStatusesAreRetried(int status) {
        assertThat(RetryPolicy.isRetryable(new HttpStatusException(U, status, ""))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 410, 501})
    void otherErrorStatusesAreNotRetried(int status) {
        assertThat(RetryPolicy.isRetryable(new HttpStatusException(U, status, ""))).isFalse();
    }

    @Test
    void networkFailuresAreRetriedButChecksumMismatchesAreNot() {
        assertThat(RetryPolicy.isRetryable(new ConnectFailedException(U, "refused", null))).isTrue();
        assertThat(RetryPolicy.isRetryable(new ReadTimeoutException(U, "reading", Duration.ofSeconds(1), null))).isTrue();
        assertThat(RetryPolicy.isRetryable(new ProtocolViolationException(U, "cut", 10, null))).isTrue();
        assertThat(RetryPolicy.isRetryable(new IntegrityException(U, "sha256", "aa", "bb"))).isFalse();
    }

    @Test
    void fullJitterSpansZeroToTheExponentialCeiling() {
        RetryPolicy low = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(30), () -> 0.0);
        RetryPolicy high = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(30), () -> 0.999999);
        assertThat(low.delayFor(3, Optional.empty())).isEqualTo(Duration.ZERO);
        assertThat(high.delayFor(1, Optional.empty())).isBetween(Duration.ofMillis(199), Duration.ofMillis(200));
        assertThat(high.delayFor(3, Optional.empty())).isBetween(Duration.ofMillis(799), Duration.ofMillis(800));
    }

    @Test
    void delaysAreCappedAndRetryAfterWinsUpToTheCap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(5), () -> 0.999999);
        assertThat(p.delayFor(10, Optional.empty())).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(p.delayFor(1, Optional.of(Duration.ofSeconds(2)))).isEqualTo(Duration.ofSeconds(2));
        // Retry-After is waited in full, beyond the backoff cap; past MAX_RETRY_AFTER it ends the job.
        assertThat(p.delayFor(1, Optional.of(Duration.ofSeconds(120)))).isEqualTo(Duration.ofSeconds(120));
        assertThat(p.allowsWaiting(Optional.of(Duration.ofSeconds(120)))).isTrue();
        assertThat(p.allowsWaiting(Optional.of(RetryPolicy.MAX_RETRY_AFTER))).isTrue();
        assertThat(p.allowsWaiting(Optional.of(Duration.ofHours(1)))).isFalse();
        assertThat(p.allowsWaiting(Optional.empty())).isTrue();
    }

    @Test
    void retryAfterAcceptsSecondsAndHttpDates() {
        Instant now = Instant.parse("2026-11-27T10:00:00Z");
        assertThat(RetryAfter.parse("7", now)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 10:00:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
    }
}
