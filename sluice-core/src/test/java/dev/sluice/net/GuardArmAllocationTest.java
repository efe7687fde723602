package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Arming a guard, done before every socket read, allocates nothing: DESIGN asks a constant,
 * small cost per read. A fix of the watchdog's race had it make a record (deadline and kind)
 * per arm, kept in a volatile field, so no compiler could elide it: 24 bytes a read.
 */
class GuardArmAllocationTest {
    private static final int ARMS = 10_000;
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    @Test
    void armingAGuardAllocatesNothing() throws ReflectiveOperationException {
        try (Watchdog watchdog = new Watchdog()) {
            Guard guard = watchdog.newGuard(() -> { });
            long base = System.nanoTime() + HOUR_NANOS;
            // Warm up: the first arm queues the guard (and starts the watchdog's thread), and
            // the allocation counter's reflective call makes its accessors on first use.
            for (int i = 0; i < ARMS; i++) {
                guard.arm(base + i, i % 2 == 0 ? Deadline.READ : Deadline.TOTAL);
            }
            for (int i = 0; i < 10; i++) {
                allocatedBytes();
            }

            long before = allocatedBytes();
            for (int i = 0; i < ARMS; i++) {
                // Later and later, as reads that make progress push it: the watchdog is not asked.
                guard.arm(base + ARMS + i, i % 2 == 0 ? Deadline.READ : Deadline.TOTAL);
            }
            long allocated = allocatedBytes() - before;
            guard.disarmAndForget();

            // Less than a byte an arm: what is counted is the measuring call's own boxing.
            assertThat(allocated).as("bytes allocated by %d arms", ARMS).isLessThan(ARMS);
        }
    }

    /**
     * The bytes the current thread allocated so far (com.sun.management.ThreadMXBean),
     * reflectively: the module does not read java.management.
     */
    private static long allocatedBytes() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes")
                .invoke(threads);
    }
}
