package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The watchdog decides that a guard is due under its lock and fires it after: by then the
 * operation may have ended, and on a pooled connection another exchange's operation may have
 * begun. A fire comes too late then and must not close the connection.
 */
class GuardLateFireTest {
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    /** A watchdog that schedules nothing: the test plays its thread, calling fire() itself. */
    private static Watchdog idleWatchdog() {
        Watchdog watchdog = new Watchdog();
        watchdog.close();
        return watchdog;
    }

    @Test
    void aFireAfterTheOperationEndedOrANewOneBeganDoesNothing() {
        try (Watchdog watchdog = idleWatchdog()) {
            AtomicInteger closes = new AtomicInteger();
            Guard guard = watchdog.newGuard(closes::incrementAndGet);

            guard.arm(System.nanoTime() - 1, Deadline.READ); // found due by the watchdog...
            guard.disarm();                                   // ...then the read ends in time
            guard.fire();
            guard.arm(System.nanoTime() + HOUR_NANOS, Deadline.READ); // the next exchange's read
            guard.fire();

            assertThat(closes).hasValue(0);
            assertThat(guard.fired()).isNull();
        }
    }

    @Test
    void aFireForADeadlineThatHasPassedCloses() {
        try (Watchdog watchdog = idleWatchdog()) {
            AtomicInteger closes = new AtomicInteger();
            Guard guard = watchdog.newGuard(closes::incrementAndGet);

            guard.arm(System.nanoTime() - 1, Deadline.READ);
            guard.fire();

            assertThat(closes).hasValue(1);
            assertThat(guard.fired()).isEqualTo(Deadline.READ);
        }
    }
}
