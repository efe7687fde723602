package dev.sluice.examples;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ConcurrentDownloads DIR URL...");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        long start = System.nanoTime();
        try (Client client = Client.builder().maxConnectionsPerHost(16).build()) {
            List<CompletableFuture<Result>> all = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                String url = args[i];
                Path file = dir.resolve(fileName(url, i));
                long t0 = System.nanoTime();
                all.add(client.sendAsync(Request.get(url))
                        .thenCompose(Response::raiseForStatusAsync)
                        .thenCompose(r -> r.body().async().transferTo(file))
                        .handle((bytes, error) -> new Result(url, bytes == null ? 0 : bytes,
                                (System.nanoTime() - t0) / 1e9, error)));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            int failed = 0;
            for (CompletableFuture<Result> f : all) {
                Result r = f.join();
                if (r.error() == null) {
                    System.out.printf("%-60s %10d bytes %6.2f s%n", r.url(), r.bytes(), r.seconds());
                } else {
                    failed++;
                    Throwable cause = r.error().getCause() != null ? r.error().getCause() : r.error();
                    System.out.printf("%-60s failed: %s%n", r.url(), cause.getMessage());
                }
            }
            System.out.printf("total %.2f s, %d of %d failed%n", (System.nanoTime() - start) / 1e9, failed, all.size());
            System.exit(failed == 0 ? 0 : 1);
        }
    }

    private static String fileName(String url, int index) {
        String path = java.net.URI.create(url).getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() || name.equals("..") || name.equals(".") ? "download-" + index : name;
    }
}
