package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A connect that fails with an {@link Error} (no direct memory left for the connection's read
 * buffer, say) gives its slot back, as one that fails with an exception does.
 */
class ConnectErrorSlotTest {

    @Test
    void anErrorFromConnectFreesTheSlot() {
        Connector failing = (origin, deadlineNanos) -> {
            throw new OutOfMemoryError("Cannot reserve 16384 bytes of direct buffer memory");
        };
        try (var pool = new ConnectionPool(failing, 1, 1, Duration.ofMinutes(1).toNanos())) {
            Origin origin = Origin.of(URI.create("http://127.0.0.1:9/"));
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> pool.acquire(origin, Reuse.IDLE, pool.ticket(),
                        System.nanoTime() + Duration.ofSeconds(10).toNanos(), Deadline.POOL, () -> Long.MAX_VALUE))
                        .as("attempt %d finds the only slot free", i)
                        .isInstanceOf(OutOfMemoryError.class);
            }
            assertThat(pool.toString()).contains("leased=0", "waiting=0");
        }
    }
}
