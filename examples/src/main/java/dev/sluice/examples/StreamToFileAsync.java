package dev.sluice.examples;

import dev.sluice.Client;
import dev.sluice.Request;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Example 2: one download streamed asynchronously to a file, as with aiohttp's
 * {@code session.get()} and {@code response.content.iter_any()}. The calling thread never
 * blocks on the network; the body is written as it arrives, with backpressure.
 *
 * <pre>
 * java -cp sluice-core.jar:sluice-examples.jar dev.sluice.examples.StreamToFileAsync URL FILE
 * </pre>
 */
public final class StreamToFileAsync {
    private StreamToFileAsync() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the example; returns the exit status (0 downloaded, 1 failed, 2 usage or a bad URL). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("usage: StreamToFileAsync URL FILE");
            return 2;
        }
        Request request;
        try {
            request = Request.get(args[0]);
        } catch (IllegalArgumentException e) {
            err.println("invalid URL: " + e.getMessage());
            return 2;
        }
        long start = System.nanoTime();
        try (Client client = Client.newClient()) {
            CompletableFuture<Long> done = client.sendAsync(request)
                    .thenCompose(response -> response.raiseForStatusAsync()
                            .thenCompose(r -> r.body().async().transferTo(Path.of(args[1]))));
            long bytes = done.join(); // only main waits, to keep the program alive
            out.printf("downloaded %d bytes in %.2f s%n", bytes, (System.nanoTime() - start) / 1e9);
            return 0;
        } catch (CompletionException e) {
            err.println("download failed: " + e.getCause().getMessage());
            return 1;
        }
    }
}
