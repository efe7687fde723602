package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A close from another thread racing the end of a body. Loops over a body end it without a
 * read once all of it has come; a close that lands just then must leave one of the two
 * outcomes a read of the end gave: the body ended (its transfer time fixed) and the loop
 * succeeded, or the loop failed because the body was closed. Never a success over a body that
 * was abandoned instead of ended.
 */
class BodyEndRaceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int ROUNDS = 1500;

    @Test
    void aCloseRacingTheEndOfATransferLeavesItEndedOrFailedNeverBoth() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 5")).sendPattern(5)));
             Client client = Client.builder().readTimeout(WAIT).build()) {
            int failed = 0;
            int ended = 0;
            for (int i = 0; i < ROUNDS; i++) {
                Response r = client.send(Request.get(server.uri("/r" + i)));
                AtomicBoolean lastByteOut = new AtomicBoolean();
                long spinNanos = ThreadLocalRandom.current().nextLong(4_000);
                // A platform thread that spins: it closes within microseconds of the last byte,
                // at a point that varies from round to round.
                Thread closer = Thread.ofPlatform().start(() -> {
                    while (!lastByteOut.get()) {
                        Thread.onSpinWait();
                    }
                    long until = System.nanoTime() + spinNanos;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    r.close();
                });
                long[] written = new long[1];
                OutputStream out = new OutputStream() {
                    @Override
                    public void write(int b) {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        written[0] += len;
                        if (written[0] == 5) {
                            lastByteOut.set(true);
                        }
                    }
                };
                boolean succeeded;
                try {
                    assertThat(r.body().transferTo(out)).isEqualTo(5);
                    succeeded = true;
                } catch (IOException e) {
                    succeeded = false;
                } finally {
                    lastByteOut.set(true);
                    closer.join();
                }
                if (!succeeded) {
                    failed++;
                    continue;
                }
                // Ended: the transfer time is fixed. Abandoned: it is "until now", and grows.
                assertThat(r.timings().transfer()).as("round %d: a success whose body never ended", i)
                        .isEqualTo(r.timings().transfer());
                ended++;
            }
            assertThat(failed + ended).isEqualTo(ROUNDS);
            assertThat(client.poolState()).contains("leased=0");
        }
    }
}
