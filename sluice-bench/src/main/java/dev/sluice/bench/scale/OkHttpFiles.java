package dev.sluice.bench.scale;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.Okio;

/**
 * The OkHttp peer of {@link SluiceFiles}: C platform threads, each taking the next of N files
 * and downloading it with {@code call.execute()} into the file through Okio (or into Okio's
 * blackhole with {@code --sink discard}). The connection pool keeps C idle connections, so
 * that all C stay alive between files.
 */
public final class OkHttpFiles {
    private OkHttpFiles() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String base = args.get("base");
        int n = args.getInt("n", 1000);
        long size = Long.parseLong(args.get("size"));
        int concurrency = args.getInt("concurrency", 16);
        boolean toFile = args.get("sink", "file").equals("file");
        Path dir = toFile ? Files.createDirectories(Path.of(args.get("dir"))) : null;

        System.exit(Outcome.rounds(args.getInt("rounds", 1), dir,
                round -> round(base, n, size, concurrency, toFile, dir)));
    }

    /** One round: a new client and pool of threads, every file fetched once. */
    private static Outcome.Result round(String base, int n, long size, int concurrency, boolean toFile, Path dir)
            throws Exception {
        OkHttpClient client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(concurrency, 5, TimeUnit.MINUTES))
                .build();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicInteger next = new AtomicInteger();
        Outcome outcome = new Outcome();
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        List<Future<long[]>> workers = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            workers.add(threads.submit(() -> {
                long ok = 0;
                long bytes = 0;
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    String name = SluiceFiles.name(i);
                    try (Response r = client.newCall(new Request.Builder().url(base + name).build()).execute()) {
                        if (r.code() != 200) {
                            throw new IllegalStateException("status " + r.code());
                        }
                        BufferedSource source = r.body().source();
                        long got;
                        if (toFile) {
                            try (BufferedSink sink = Okio.buffer(Okio.sink(dir.resolve(name)))) {
                                got = sink.writeAll(source);
                            }
                        } else {
                            got = source.readAll(Okio.blackhole());
                        }
                        bytes += got;
                        ok += got == size ? 1 : 0;
                    } catch (Exception e) {
                        firstError.compareAndSet(null, String.valueOf(e));
                    }
                }
                return new long[] {ok, bytes};
            }));
        }
        long ok = 0;
        long bytes = 0;
        for (Future<long[]> w : workers) {
            long[] r = w.get();
            ok += r[0];
            bytes += r[1];
        }
        threads.shutdown();
        Outcome.Result result = outcome.end(n, (int) ok, bytes, firstError.get());
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        return result;
    }
}
