package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.SluiceException;
import dev.sluice.codec.Field;
import dev.sluice.codec.Limits;
import dev.sluice.codec.RequestEncoder;
import dev.sluice.engine.Exchange;
import dev.sluice.engine.Timeouts;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A line of the response longer than the read buffer makes the buffer grow; when it cannot
 * (no direct memory left, or the line outgrows the largest buffer) the exchange fails with
 * a plain {@link IOException} that says so, at once: a full buffer can only read 0 bytes,
 * and the loop that read them spun forever, past every timeout. The hang guards below are
 * generous and only there so that the old behaviour fails instead of hanging the build.
 */
class ReadBufferLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    private static String longHeaderResponse(int headerBytes) {
        return "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(headerBytes) + "\r\nContent-Length: 2\r\n\r\nok";
    }

    @Test
    void aHeadLineThatNeedsMoreDirectMemoryThanIsLeftFailsAtOnceInsteadOfSpinning() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(longHeaderResponse(20_000)).awaitClientClose()));
             var watchdog = new Watchdog();
             // Direct buffers of SMALL bytes only: the 128 KiB one the long line needs is refused,
             // as with -XX:MaxDirectMemorySize=120k.
             var pool = new ConnectionPool(new SocketConnector(() -> null, true, watchdog,
                     new BufferPool(BufferPool.SMALL)), 4, 4, WAIT.toNanos())) {
            URI uri = server.uri("/big-head");
            Timeouts timeouts = Timeouts.startingNow(WAIT, WAIT, WAIT, WAIT);
            Exchange ex = Exchange.open(pool, watchdog, uri, Reuse.IDLE, pool.ticket(), timeouts, Limits.DEFAULT);
            byte[] head = RequestEncoder.encodeHead("GET", "/big-head", List.of(new Field("Host", "127.0.0.1")));
            ex.writeRequest("GET", head, null, null, false);

            Throwable thrown = assertTimeoutPreemptively(HANG_GUARD, () -> {
                try {
                    ex.readHead();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });

            assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(SluiceException.class)
                    .hasMessageContaining(uri.toString())
                    .hasMessageContaining("longer than " + BufferPool.SMALL + " bytes")
                    .hasMessageContaining("direct memory");
            assertThat(pool.toString()).contains("leased=0", "idle=0");
            server.awaitClientClose(0, WAIT);
        }
    }

    @Test
    void aHeadLineLongerThanTheLargestBufferFailsAtOnceWhenTheHeadLimitAllowsIt() throws IOException {
        int line = BufferPool.LARGE + 1000;
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(longHeaderResponse(line)).awaitClientClose()));
             Client client = Client.builder().maxHeadBytes(4 * BufferPool.LARGE).readTimeout(WAIT).build()) {
            URI uri = server.uri("/huge-head");
            Throwable thrown = assertTimeoutPreemptively(HANG_GUARD, () -> {
                try {
                    client.send(Request.get(uri)).close();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });

            assertThat(thrown).isInstanceOf(IOException.class).isNotInstanceOf(SluiceException.class)
                    .hasMessageContaining(uri.toString())
                    .hasMessageContaining("longer than " + BufferPool.LARGE + " bytes");
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }
}
