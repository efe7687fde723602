package dev.sluice.bench.scale;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * N concurrent streaming responses through sluice's asynchronous API, all started at once:
 * {@code sendAsync}, then the body through {@code async().publisher()} (a subscriber that
 * requests one item at a time) or {@code async().forEach}. Each body is verified against a
 * known file: its length, and with {@code --crc} its CRC32C. {@code --stats} prints the peak
 * direct-buffer memory and heap in use to stderr at exit (see {@link MemorySampler}); {@code --rounds R}
 * does it all R times in this JVM, each round with a new client, and reports the last (see {@link Outcome}).
 *
 * <pre>
 * java -cp sluice-bench.jar dev.sluice.bench.scale.SluiceStreams --url URL --n 2000 \
 *      --expect-file FILE [--api publisher|foreach] [--crc] [--stats] [--rounds R]
 * </pre>
 */
public final class SluiceStreams {
    private SluiceStreams() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String url = args.get("url");
        int n = args.getInt("n", 2000);
        String api = args.get("api", "publisher");
        boolean crc = args.has("crc");
        byte[] known = Files.readAllBytes(Path.of(args.get("expect-file")));
        long expectedLength = known.length;
        long expectedCrc = crc32c(known);
        known = null;
        if (args.has("stats")) {
            MemorySampler.start();
        }
        System.exit(Outcome.rounds(args.getInt("rounds", 1),
                round -> round(args, url, n, api, crc, expectedLength, expectedCrc)));
    }

    private static Outcome.Result round(Args args, String url, int n, String api, boolean crc, long expectedLength,
            long expectedCrc) {
        AtomicReference<String> firstError = new AtomicReference<>();
        try (Client client = Client.builder()
                .maxConnections(n).maxConnectionsPerHost(n)
                .connectTimeout(Duration.ofSeconds(args.getInt("connect-timeout", 60)))
                .build()) {
            Outcome outcome = new Outcome();
            List<CompletableFuture<Long>> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Request request = Request.get(url + "?i=" + i);
                CompletableFuture<Long> f = client.sendAsync(request)
                        .thenCompose(Response::raiseForStatusAsync)
                        .thenCompose(r -> switch (api) {
                            case "publisher" -> viaPublisher(r, crc);
                            case "foreach" -> viaForEach(r, crc);
                            default -> throw new IllegalArgumentException("--api publisher|foreach: " + api);
                        })
                        .thenApply(check -> {
                            long length = check[0];
                            if (length != expectedLength) {
                                throw new IllegalStateException("length " + length + " != " + expectedLength);
                            }
                            if (crc && check[1] != expectedCrc) {
                                throw new IllegalStateException("CRC32C mismatch");
                            }
                            return length;
                        });
                all.add(f.whenComplete((v, e) -> {
                    if (e != null) {
                        firstError.compareAndSet(null, String.valueOf(e));
                    }
                }));
            }
            int ok = 0;
            long bytes = 0;
            for (CompletableFuture<Long> f : all) {
                try {
                    bytes += f.join();
                    ok++;
                } catch (RuntimeException e) {
                    // counted as a failure; the first one is printed
                }
            }
            return outcome.end(n, ok, bytes, firstError.get());
        }
    }

    static long crc32c(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return c.getValue();
    }

    /** {length, crc}. */
    private static CompletableFuture<long[]> viaForEach(Response r, boolean crc) {
        long[] state = new long[2];
        CRC32C c = crc ? new CRC32C() : null;
        return r.body().async().forEach(b -> {
            state[0] += b.remaining();
            if (c != null) {
                c.update(b);
            }
        }).thenApply(v -> {
            state[1] = c == null ? 0 : c.getValue();
            return state;
        });
    }

    private static CompletableFuture<long[]> viaPublisher(Response r, boolean crc) {
        CompletableFuture<long[]> done = new CompletableFuture<>();
        r.body().async().publisher().subscribe(new Flow.Subscriber<ByteBuffer>() {
            private Flow.Subscription subscription;
            private long length;
            private final CRC32C c = crc ? new CRC32C() : null;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
                length += item.remaining();
                if (c != null) {
                    c.update(item);
                }
                subscription.request(1);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(new long[] {length, c == null ? 0 : c.getValue()});
            }
        });
        return done;
    }
}
