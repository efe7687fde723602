package dev.sluice.bench.scale;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * The peer of {@link SluiceStreams}: the JDK's {@code HttpClient.sendAsync} with its default
 * executor, N requests started at once, each body counted (and with {@code --crc}
 * checksummed) by a {@code BodySubscriber} that requests one list of buffers at a time and
 * keeps nothing.
 */
public final class JdkStreams {
    private JdkStreams() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String url = args.get("url");
        int n = args.getInt("n", 2000);
        boolean crc = args.has("crc");
        byte[] known = Files.readAllBytes(Path.of(args.get("expect-file")));
        long expectedLength = known.length;
        long expectedCrc = SluiceStreams.crc32c(known);
        known = null;

        System.exit(Outcome.rounds(args.getInt("rounds", 1),
                round -> round(url, n, crc, expectedLength, expectedCrc)));
    }

    /** One round: a new client, as each round of {@link SluiceStreams} has. */
    private static Outcome.Result round(String url, int n, boolean crc, long expectedLength, long expectedCrc) {
        AtomicReference<String> firstError = new AtomicReference<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Outcome outcome = new Outcome();
        List<CompletableFuture<Long>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "?i=" + i)).build();
            CompletableFuture<Long> f = client.sendAsync(request, info -> new Counting(crc))
                    .thenApply(r -> {
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("status " + r.statusCode());
                        }
                        long[] check = r.body();
                        if (check[0] != expectedLength) {
                            throw new IllegalStateException("length " + check[0] + " != " + expectedLength);
                        }
                        if (crc && check[1] != expectedCrc) {
                            throw new IllegalStateException("CRC32C mismatch");
                        }
                        return check[0];
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
                // counted
            }
        }
        Outcome.Result result = outcome.end(n, ok, bytes, firstError.get());
        client.shutdownNow();
        return result;
    }

    /** Counts (and checksums) the body; the result is {length, crc}. */
    private static final class Counting implements HttpResponse.BodySubscriber<long[]> {
        private final CompletableFuture<long[]> result = new CompletableFuture<>();
        private final CRC32C c;
        private Flow.Subscription subscription;
        private long length;

        Counting(boolean crc) {
            this.c = crc ? new CRC32C() : null;
        }

        @Override
        public CompletionStage<long[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                length += b.remaining();
                if (c != null) {
                    c.update(b);
                }
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(new long[] {length, c == null ? 0 : c.getValue()});
        }
    }
}
