package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
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
    private static final int ASYNC_ROUNDS = 1000;

    /** Five bytes of declared length for every request. */
    private static ScriptedServer fiveBytes() throws Exception {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 5")).sendPattern(5)));
    }

    /** Spins for {@code nanos}: a close a few microseconds after a point, varying by round. */
    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /** A platform thread that spins until {@code go}, then for {@code spinNanos}, then closes {@code r}. */
    private static Thread closer(Response r, AtomicBoolean go, long spinNanos) {
        return Thread.ofPlatform().start(() -> {
            while (!go.get()) {
                Thread.onSpinWait();
            }
            spin(spinNanos);
            r.close();
        });
    }

    private interface Loop {
        void run() throws Exception;
    }

    /**
     * Runs {@code loop}: true when it returned, false when it threw {@code failure}; then lets
     * the closer go, if it has not gone yet, and waits for it.
     */
    private static boolean succeeds(Loop loop, Class<? extends Exception> failure, AtomicBoolean go, Thread closer)
            throws Exception {
        try {
            loop.run();
            return true;
        } catch (Exception e) {
            if (!failure.isInstance(e)) {
                throw e;
            }
            return false;
        } finally {
            go.set(true);
            closer.join();
        }
    }

    /** Ended, a body's transfer time is fixed; abandoned, it is "until now", and grows. */
    private static void assertEnded(Response r, int round) {
        assertThat(r.timings().transfer()).as("round %d: a success whose body never ended", round)
                .isEqualTo(r.timings().transfer());
    }

    @Test
    void aCloseRacingTheEndOfATransferLeavesItEndedOrFailedNeverBoth() throws Exception {
        try (var server = fiveBytes();
             Client client = Client.builder().readTimeout(WAIT).build()) {
            int failed = 0;
            int ended = 0;
            for (int i = 0; i < ROUNDS; i++) {
                Response r = client.send(Request.get(server.uri("/r" + i)));
                AtomicBoolean lastByteOut = new AtomicBoolean();
                long spinNanos = ThreadLocalRandom.current().nextLong(4_000);
                // It closes within microseconds of the last byte, at a point that varies by round.
                Thread closer = closer(r, lastByteOut, spinNanos);
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
                if (!succeeds(() -> assertThat(r.body().transferTo(out)).isEqualTo(5), IOException.class,
                        lastByteOut, closer)) {
                    failed++;
                    continue;
                }
                assertEnded(r, i);
                ended++;
            }
            assertThat(failed + ended).isEqualTo(ROUNDS);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void aCloseRacingTheEndOfForEachLeavesItEndedOrFailedNeverBoth() throws Exception {
        try (var server = fiveBytes();
             Client client = Client.builder().readTimeout(WAIT).build()) {
            for (int i = 0; i < ASYNC_ROUNDS; i++) {
                Response r = client.sendAsync(Request.get(server.uri("/f" + i))).get();
                AtomicBoolean lastByteOut = new AtomicBoolean();
                long spinNanos = ThreadLocalRandom.current().nextLong(4_000);
                Thread closer = closer(r, lastByteOut, 0);
                long[] received = new long[1];
                CompletableFuture<Void> body = r.body().async().forEach(b -> {
                    received[0] += b.remaining();
                    if (received[0] == 5) {
                        lastByteOut.set(true);
                        spin(spinNanos); // the close lands before, during or after the end
                    }
                });
                if (succeeds(() -> body.get(WAIT.toSeconds(), TimeUnit.SECONDS), ExecutionException.class,
                        lastByteOut, closer)) {
                    assertEnded(r, i);
                }
                // The closer has returned, and whoever ended the exchange has given the slot back.
                assertThat(client.poolState()).as("round %d", i).contains("leased=0");
            }
        }
    }

    private void publisherRace(Function<AsyncBody, Flow.Publisher<ByteBuffer>> form) throws Exception {
        try (var server = fiveBytes();
             Client client = Client.builder().readTimeout(WAIT).build()) {
            for (int i = 0; i < ASYNC_ROUNDS; i++) {
                Response r = client.sendAsync(Request.get(server.uri("/p" + i))).get();
                var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
                form.apply(r.body().async()).subscribe(subscriber);
                spin(ThreadLocalRandom.current().nextLong(20_000));
                r.close();
                boolean completed;
                try {
                    subscriber.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    completed = true;
                } catch (ExecutionException e) {
                    completed = false;
                }
                if (completed) {
                    assertEnded(r, i);
                }
                assertThat(client.poolState()).as("round %d", i).contains("leased=0");
            }
        }
    }

    @Test
    void aCloseRacingTheEndOfAPublisherLeavesItEndedOrFailedNeverBoth() throws Exception {
        publisherRace(AsyncBody::publisher);
    }

    @Test
    void aCloseRacingTheEndOfChunksLeavesItEndedOrFailedNeverBoth() throws Exception {
        publisherRace(body -> body.chunks(2));
    }
}
