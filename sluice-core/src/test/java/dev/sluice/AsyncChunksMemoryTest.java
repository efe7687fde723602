package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The blocks of {@link AsyncBody#chunks(int)} take memory as {@link Body#chunks(int)}'s do (the
 * sizing code is shared): no more than the declared length, grown as bytes arrive, and each
 * block read straight into its array. They were read with {@code InputStream.readNBytes(size)},
 * which gathers a block in a list of 8 KiB buffers and then copies it: every block allocated
 * twice over. (Asserted on the bytes the JVM allocated, which the test JVM reports for every
 * thread, virtual ones included; the margin is wide, since other threads allocate a little too.)
 */
class AsyncChunksMemoryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int BLOCK = 8 << 20;
    private static final long BIG = 64L << 20;

    private Client client;
    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        client = Client.builder().readTimeout(WAIT).build();
        server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            switch (req.target()) {
                case "/three" -> r.send(Responses.ok("abc"));
                case "/three-chunked" -> r.send(Responses.chunked("abc"));
                case "/big" -> r.send(Responses.head(200, "Content-Length: " + BIG)).sendPattern(BIG);
                case "/big-close" -> r.send(Responses.head(200, "Connection: close")).sendPattern(BIG).close();
                default -> r.send(Responses.status(404, "no " + req.target()));
            }
        }));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    /** Requests one block at a time, checks each against the pattern and keeps none. */
    private static final class Checker implements Flow.Subscriber<ByteBuffer> {
        final CompletableFuture<List<Integer>> sizes = new CompletableFuture<>();
        private final List<Integer> seen = new ArrayList<>();
        private final PatternBytes.Verifier verifier = new PatternBytes.Verifier(0);
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(ByteBuffer b) {
            seen.add(b.remaining());
            verifier.update(b);
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            sizes.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            sizes.complete(seen);
        }
    }

    /**
     * The bytes all threads allocated so far (com.sun.management.ThreadMXBean), reflectively:
     * the tests run inside module dev.sluice, which does not read java.management.
     */
    private static long allocatedBytes() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getTotalThreadAllocatedBytes").invoke(threads);
    }

    private void assertBlocksAllocatedAboutOnce(String path) throws Exception {
        Response r = client.send(Request.get(server.uri(path)));
        Checker checker = new Checker();
        long before = allocatedBytes();
        r.body().async().chunks(BLOCK).subscribe(checker);
        assertThat(checker.sizes).succeedsWithin(WAIT).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .hasSize((int) (BIG / BLOCK)).containsOnly(BLOCK);
        long allocated = allocatedBytes() - before;
        // Read straight into their arrays, 64 MiB of blocks cost about 72 MiB (the first block's
        // array grows from 64 KiB; 75-84 MiB measured with the rest of the JVM); gathered and
        // copied, they cost 128 MiB (134-143 measured). The line between leaves room for other
        // threads on either side.
        assertThat(allocated).as(path + ": bytes allocated for " + BIG + " bytes of blocks").isLessThan(BIG * 7 / 4);
        r.close();
    }

    @Test
    void blocksOfADeclaredLengthAreNotAllocatedTwice() throws Exception {
        assertBlocksAllocatedAboutOnce("/big");
    }

    @Test
    void blocksOfABodyOfUnknownLengthAreNotAllocatedTwice() throws Exception {
        assertBlocksAllocatedAboutOnce("/big-close");
    }

    @Test
    void aBlockFarLargerThanTheBodyIsTheBody() throws Exception {
        for (String path : new String[] {"/three", "/three-chunked"}) {
            for (int size : new int[] {1 << 30, Integer.MAX_VALUE}) {
                Response r = client.send(Request.get(server.uri(path)));
                List<String> blocks = new ArrayList<>();
                CompletableFuture<Void> done = new CompletableFuture<>();
                r.body().async().chunks(size).subscribe(new Flow.Subscriber<>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(ByteBuffer b) {
                        blocks.add(StandardCharsets.ISO_8859_1.decode(b).toString());
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onComplete() {
                        done.complete(null);
                    }
                });
                assertThat(done).as(path + " in blocks of " + size).succeedsWithin(WAIT);
                assertThat(blocks).as(path + " in blocks of " + size).containsExactly("abc");
                r.close();
            }
        }
    }
}
