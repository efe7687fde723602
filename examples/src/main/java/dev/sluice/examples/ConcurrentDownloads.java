package dev.sluice.examples;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Example 3: several files downloaded concurrently (aiohttp with {@code asyncio.gather}),
 * printing each file's time and the total; one failure does not stop the others.
 *
 * <pre>
 * java -cp sluice-core.jar:sluice-examples.jar dev.sluice.examples.ConcurrentDownloads DIR URL...
 * </pre>
 */
public final class ConcurrentDownloads {
    private ConcurrentDownloads() {
    }

    record Result(String url, long bytes, double seconds, Throwable error) {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the example; returns the exit status (0 all downloaded, 1 some failed, 2 usage). */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length < 2) {
            err.println("usage: ConcurrentDownloads DIR URL...");
            return 2;
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        long start = System.nanoTime();
        try (Client client = Client.builder().maxConnectionsPerHost(16).build()) {
            List<CompletableFuture<Result>> all = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 1; i < args.length; i++) {
                String url = args[i];
                long t0 = System.nanoTime();
                CompletableFuture<Long> download;
                try {
                    String name = fileName(url, i);
                    if (!names.add(name)) {
                        name = i + "-" + name; // two URLs ending in the same name: keep both files
                    }
                    Path file = dir.resolve(name);
                    download = client.sendAsync(Request.get(url))
                            .thenCompose(Response::raiseForStatusAsync)
                            .thenCompose(r -> r.body().async().transferTo(file));
                } catch (RuntimeException e) {
                    download = CompletableFuture.failedFuture(e); // a malformed URL fails alone
                }
                all.add(download.handle((bytes, error) -> new Result(url, bytes == null ? 0 : bytes,
                        (System.nanoTime() - t0) / 1e9, error)));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            int failed = 0;
            for (CompletableFuture<Result> f : all) {
                Result r = f.join();
                if (r.error() == null) {
                    out.printf("%-60s %10d bytes %6.2f s%n", r.url(), r.bytes(), r.seconds());
                } else {
                    failed++;
                    Throwable cause = r.error() instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : r.error();
                    out.printf("%-60s failed: %s%n", r.url(), cause.getMessage());
                }
            }
            out.printf("total %.2f s, %d of %d failed%n", (System.nanoTime() - start) / 1e9, failed, all.size());
            return failed == 0 ? 0 : 1;
        }
    }

    private static String fileName(String url, int index) {
        String path = java.net.URI.create(url).getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() || name.equals("..") || name.equals(".") ? "download-" + index : name;
    }
}
