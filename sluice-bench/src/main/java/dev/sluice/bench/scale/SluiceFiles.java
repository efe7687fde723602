package dev.sluice.bench.scale;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * N files downloaded with at most C at once (the client's connection limit), all N requests
 * issued up front, through one of sluice's two models:
 * <ul>
 *   <li>{@code --model async}: {@code sendAsync}, then {@code async().transferTo(Path)} (or,
 *       with {@code --sink discard}, {@code async().forEach} counting the bytes);</li>
 *   <li>{@code --model sync}: plain blocking code, one virtual thread per download:
 *       {@code client.send} then {@code body().transferTo(Path)} (or a loop over
 *       {@code body().any()} counting the bytes).</li>
 * </ul>
 * Every transfer is checked against {@code --size}. {@code --rounds R} does it all R times in this
 * JVM (the files of a round are deleted before the next) and reports the last (see {@link Outcome}).
 *
 * <pre>
 * java -cp sluice-bench.jar dev.sluice.bench.scale.SluiceFiles --base URL/ --n 1000 --size 1048576 \
 *      --concurrency 16 --model async|sync --sink file|discard --dir DIR [--rounds R]
 * </pre>
 */
public final class SluiceFiles {
    private SluiceFiles() {
    }

    /** {@code f0042}: without String.format, whose parsing would be timed with the clients. */
    static String name(int i) {
        String digits = Integer.toString(i);
        return "f" + "0000".substring(Math.min(4, digits.length())) + digits;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String base = args.get("base");
        int n = args.getInt("n", 1000);
        long size = Long.parseLong(args.get("size"));
        int concurrency = args.getInt("concurrency", 16);
        String model = args.get("model", "async");
        boolean toFile = args.get("sink", "file").equals("file");
        Path dir = toFile ? Files.createDirectories(Path.of(args.get("dir"))) : null;

        System.exit(Outcome.rounds(args.getInt("rounds", 1), dir,
                round -> round(base, n, size, concurrency, model, toFile, dir)));
    }

    /** One round: a new client, every file fetched once. */
    private static Outcome.Result round(String base, int n, long size, int concurrency, String model, boolean toFile,
            Path dir) throws Exception {
        AtomicReference<String> firstError = new AtomicReference<>();
        try (Client client = Client.builder().maxConnections(concurrency).maxConnectionsPerHost(concurrency).build()) {
            Outcome outcome = new Outcome();
            List<Future<Long>> all = new ArrayList<>(n);
            if (model.equals("async")) {
                List<CompletableFuture<Long>> pending = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String name = name(i);
                    CompletableFuture<Long> f = client.sendAsync(Request.get(base + name))
                            .thenCompose(Response::raiseForStatusAsync)
                            .thenCompose(r -> toFile
                                    ? r.body().async().transferTo(dir.resolve(name))
                                    : count(r));
                    pending.add(f.whenComplete((v, e) -> {
                        if (e != null) {
                            firstError.compareAndSet(null, String.valueOf(e));
                        }
                    }));
                }
                // One wait for all, as asyncio.gather: joining future by future would park and
                // wake the main thread once per early finisher.
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
                all.addAll(pending);
            } else if (model.equals("sync")) {
                // Closing the executor is the one wait for all of them.
                try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < n; i++) {
                        String name = name(i);
                        all.add(threads.submit(() -> {
                            try (Response r = client.send(Request.get(base + name))) {
                                r.raiseForStatus();
                                if (toFile) {
                                    return r.body().transferTo(dir.resolve(name));
                                }
                                long count = 0;
                                for (ByteBuffer b : r.body().any()) {
                                    count += b.remaining();
                                }
                                return count;
                            } catch (Exception e) {
                                firstError.compareAndSet(null, String.valueOf(e));
                                throw e;
                            }
                        }));
                    }
                }
            } else {
                throw new IllegalArgumentException("--model async|sync: " + model);
            }
            // Every transfer has ended by now: get() does not wait.
            int ok = 0;
            long bytes = 0;
            for (Future<Long> f : all) {
                try {
                    long got = f.get();
                    bytes += got;
                    ok += got == size ? 1 : 0;
                } catch (ExecutionException e) {
                    // counted: the first error is reported
                }
            }
            return outcome.end(n, ok, bytes, firstError.get());
        }
    }

    private static CompletableFuture<Long> count(Response r) {
        long[] count = new long[1];
        return r.body().async().forEach(b -> count[0] += b.remaining()).thenApply(v -> count[0]);
    }
}
