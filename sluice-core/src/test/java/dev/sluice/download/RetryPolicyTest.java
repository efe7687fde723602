package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    @ValueSource(ints = {0, 99, 600, 999})
    void statusesOutsideTheRfcAreRetriedAsA500Is(int status) {
        // RFC 9110 §15: a status outside 100-599 is taken as a 5xx; the downloader fails on it as on one.
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
    void aRejectedCertificateIsNotRetried() {
        var expired = new javax.net.ssl.SSLHandshakeException("validity check failed");
        expired.initCause(new java.security.cert.CertificateExpiredException("NotAfter: ..."));
        assertThat(RetryPolicy.isRetryable(new ConnectFailedException(U, "certificate expired", expired))).isFalse();
        var cut = new javax.net.ssl.SSLHandshakeException("Remote host terminated the handshake");
        cut.initCause(new java.io.EOFException("SSL peer shut down incorrectly"));
        assertThat(RetryPolicy.isRetryable(new ConnectFailedException(U, "closed", cut))).isTrue();
    }

    @Test
    void equalJitterSpansHalfTheExponentialCeilingToAllOfIt() {
        RetryPolicy low = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(30), () -> 0.0);
        RetryPolicy high = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(30), () -> 0.999999);
        assertThat(low.delayFor(1, Optional.empty())).isEqualTo(Duration.ofMillis(100));
        assertThat(low.delayFor(3, Optional.empty())).isEqualTo(Duration.ofMillis(400));
        assertThat(high.delayFor(1, Optional.empty())).isBetween(Duration.ofMillis(199), Duration.ofMillis(200));
        assertThat(high.delayFor(3, Optional.empty())).isBetween(Duration.ofMillis(799), Duration.ofMillis(800));
    }

    @Test
    void eachDelayIsAtLeastAsLongAsAnyBeforeItCouldBeUpToTheCap() {
        // The worst case for growth: the largest draw, then the smallest, in turn. Ceilings of
        // 1, 2, 4, 8 and 16 s stay under the 30 s cap; past it every delay is 15 to 30 s.
        double[] draws = {0.999999, 0.0};
        int[] next = {0};
        RetryPolicy p = new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(30), () -> draws[next[0]++ % 2]);
        Duration previous = Duration.ZERO;
        for (int attempt = 1; attempt <= 5; attempt++) {
            Duration d = p.delayFor(attempt, Optional.empty());
            assertThat(d).as("retry %d", attempt).isGreaterThanOrEqualTo(previous.minusMillis(1))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(500));
            previous = d;
        }
        for (int attempt = 6; attempt <= 20; attempt++) {
            assertThat(p.delayFor(attempt, Optional.empty())).as("retry %d", attempt)
                    .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        }
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

    @Test
    void missingOrNegativePartsAreRefusedWhenThePolicyIsMade() {
        // Accepted, they failed only in delayFor, in the middle of a run.
        assertThatThrownBy(() -> new RetryPolicy(1, null, Duration.ofSeconds(1), Math::random))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(1), null, Math::random))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(-1), Duration.ofSeconds(1), Math::random))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new RetryPolicy(1, Duration.ZERO, Duration.ZERO, () -> 0.5).delayFor(1, Optional.empty()))
                .isEqualTo(Duration.ZERO);
    }
}
