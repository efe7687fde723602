package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A guard reports the kind of the deadline that passed, not of one armed while it fired. The
 * watchdog fires a pooled connection's idle deadline after deciding, under its lock, that it
 * passed; meanwhile an exchange may take the connection and arm a read. The guard read the
 * deadline, then the clock, then the kind: the read's, which closed a healthy exchange as a
 * read timeout. The test re-arms the guard from the clock the firing reads, between the two.
 */
class GuardFireKindTest {
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    @Test
    void aReadArmedWhileAnIdleDeadlineFiresIsNotReportedAsTimedOut() {
        AtomicReference<Guard> guard = new AtomicReference<>();
        AtomicReference<Runnable> duringClockRead = new AtomicReference<>(() -> { });
        // Closed: it schedules nothing, and the test plays its thread, calling fire() itself.
        try (Watchdog watchdog = new Watchdog(() -> {
            duringClockRead.getAndSet(() -> { }).run();
            return System.nanoTime();
        })) {
            watchdog.close();
            List<Deadline> seenByOnFire = new ArrayList<>();
            guard.set(watchdog.newGuard(() -> seenByOnFire.add(guard.get().fired())));

            guard.get().arm(System.nanoTime() - 1, Deadline.IDLE); // found due by the watchdog...
            // ...and while it fires, the pool hands the connection to an exchange, which reads.
            duringClockRead.set(() -> guard.get().arm(System.nanoTime() + HOUR_NANOS, Deadline.READ));
            guard.get().fire();

            // The idle deadline did pass: the pool, told so, finds the connection leased and
            // leaves it alone. A READ here would have aborted the exchange.
            assertThat(guard.get().fired()).isEqualTo(Deadline.IDLE);
            assertThat(seenByOnFire).containsExactly(Deadline.IDLE);
        }
    }
}
