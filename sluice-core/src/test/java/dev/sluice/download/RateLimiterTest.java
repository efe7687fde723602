package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private long now = 1_000_000_000L;
    private final List<Long> slept = new ArrayList<>();

    private RateLimiter limiter(long rate) {
        // The fake clock moves forward by exactly what the limiter asks to sleep.
        return new RateLimiter(rate, () -> now, nanos -> {
            slept.add(nanos);
            now += nanos;
        });
    }

    @Test
    void aBurstOfOneSecondsWorthPassesWithoutWaiting() throws InterruptedException {
        RateLimiter r = limiter(1000);
        r.acquire(600);
        r.acquire(400);
        assertThat(slept).isEmpty();
    }

    @Test
    void beyondTheBurstEachByteCostsItsShareOfASecond() throws InterruptedException {
        RateLimiter r = limiter(1000);
        r.acquire(1000);
        r.acquire(500);
        assertThat(slept).containsExactly(500_000_000L);
        r.acquire(250);
        assertThat(slept).containsExactly(500_000_000L, 250_000_000L);
    }

    @Test
    void idleTimeRefillsTheBucketButNoMoreThanOneSecondsWorth() throws InterruptedException {
        RateLimiter r = limiter(1000);
        r.acquire(1000);
        now += 5_000_000_000L; // five idle seconds refill one second's worth, not five
        r.acquire(1000);
        assertThat(slept).isEmpty();
        r.acquire(100);
        assertThat(slept).containsExactly(100_000_000L);
    }
}
