package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Guards armed for a long deadline (an exchange's total timeout) leave the watchdog's queue when their work ends. */
class WatchdogForgetTest {
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    @Test
    void forgottenGuardsLeaveTheQueueAtOnce() {
        try (Watchdog watchdog = new Watchdog()) {
            List<Guard> guards = new ArrayList<>();
            long deadline = System.nanoTime() + HOUR_NANOS;
            for (int i = 0; i < 1000; i++) {
                Guard g = watchdog.newGuard(() -> { });
                g.arm(deadline + i, Deadline.TOTAL);
                guards.add(g);
            }
            assertThat(watchdog).hasToString("Watchdog[queued=1000]");
            for (Guard g : guards) {
                g.disarmAndForget();
            }
            assertThat(watchdog).hasToString("Watchdog[queued=0]");
        }
    }

    @Test
    void aForgottenGuardNeverFiresAndOthersStillDo() throws Exception {
        try (Watchdog watchdog = new Watchdog()) {
            var fired = new java.util.concurrent.CompletableFuture<String>();
            Guard forgotten = watchdog.newGuard(() -> fired.complete("forgotten"));
            Guard kept = watchdog.newGuard(() -> fired.complete("kept"));
            long now = System.nanoTime();
            // Not due at once: the watchdog would rightly fire an armed guard that is due before
            // the forget comes. Queued first (earlier than kept's), then forgotten.
            forgotten.arm(now + HOUR_NANOS, Deadline.TOTAL);
            forgotten.disarmAndForget();
            kept.arm(now, Deadline.TOTAL);
            assertThat(fired.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("kept");
            assertThat(kept.fired()).isEqualTo(Deadline.TOTAL);
            assertThat(forgotten.fired()).isNull();
            assertThat(watchdog).hasToString("Watchdog[queued=0]");
        }
    }
}
