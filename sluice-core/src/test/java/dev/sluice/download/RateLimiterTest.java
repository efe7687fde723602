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
    void theFirstBytesAlreadyWaitTheirShareOfASecond() throws InterruptedException {
        // A full bucket at the start let a second's worth through at once: a file of that
        // size took no time, and the first job to start outran the others.
        RateLimiter r = limiter(1000);
        r.acquire(600);
        assertThat(slept).containsExactly(600_000_000L);
        r.acquire(400);
        assertThat(slept).containsExactly(600_000_000L, 400_000_000L);
    }

    @Test
    void eachByteCostsItsShareOfASecond() throws InterruptedException {
        RateLimiter r = limiter(1000);
        r.acquire(1000);
        r.acquire(500);
        assertThat(slept).containsExactly(1_000_000_000L, 500_000_000L);
        r.acquire(250);
        assertThat(slept).containsExactly(1_000_000_000L, 500_000_000L, 250_000_000L);
    }

    @Test
    void jobsReadingAtOnceShareTheRate() throws InterruptedException {
        // Three jobs' reads come at once, before any of them waited: together they owe 3000
        // bytes, so the last waits three seconds and none gets ahead on the others' wait.
        List<Long> waits = new ArrayList<>();
        RateLimiter r = new RateLimiter(1000, () -> now, waits::add);
        r.acquire(1000);
        r.acquire(1000);
        r.acquire(1000);
        assertThat(waits).containsExactly(1_000_000_000L, 2_000_000_000L, 3_000_000_000L);
    }

    @Test
    void idleTimeRefillsTheBucketButNoMoreThanOneSecondsWorth() throws InterruptedException {
        RateLimiter r = limiter(1000);
        r.acquire(1000);
        slept.clear();
        now += 5_000_000_000L; // five idle seconds refill one second's worth, not five
        r.acquire(1000);
        assertThat(slept).isEmpty();
        r.acquire(100);
        assertThat(slept).containsExactly(100_000_000L);
    }
}
