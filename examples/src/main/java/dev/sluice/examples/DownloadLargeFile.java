package dev.sluice.examples;

import dev.sluice.Client;
import dev.sluice.HttpStatusException;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.SluiceTimeoutException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Example 1: download a large file by streaming it in 8 KiB chunks, the way Python's requests
 * does with {@code stream=True} and {@code iter_content(8192)}, timing it and catching errors.
 *
 * <pre>
 * java -cp sluice-core.jar:sluice-examples.jar dev.sluice.examples.DownloadLargeFile URL FILE
 * </pre>
 */
public final class DownloadLargeFile {
    private DownloadLargeFile() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the example; returns the exit status (0 downloaded, 1 failed, 2 usage or a bad URL). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("usage: DownloadLargeFile URL FILE");
            return 2;
        }
        Request request;
        try {
            request = Request.get(args[0]);
        } catch (IllegalArgumentException e) {
            err.println("invalid URL: " + e.getMessage());
            return 2;
        }
        Path file = Path.of(args[1]);
        long start = System.nanoTime();
        boolean writing = false;
        try (Client client = Client.builder().readTimeout(Duration.ofSeconds(30)).build();
             Response response = client.send(request)) {
            response.raiseForStatus();
            long bytes = 0;
            try (OutputStream fileOut = Files.newOutputStream(file);
                 WritableByteChannel channel = Channels.newChannel(fileOut)) {
                writing = true;
                for (ByteBuffer chunk : response.body().chunks(8192)) {
                    bytes += chunk.remaining();
                    channel.write(chunk);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("downloaded %d bytes in %.2f s (%.1f MB/s)%n", bytes, seconds, bytes / seconds / 1e6);
            return 0;
        } catch (IOException | UncheckedIOException e) {
            // The chunk iterator cannot throw checked exceptions; the typed cause is inside.
            IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            err.println(switch (cause) {
                case HttpStatusException s -> "server said no: " + s.getMessage();
                case SluiceTimeoutException t -> "timed out: " + t.getMessage();
                default -> "download failed: " + cause.getMessage();
            });
            if (writing) {
                deletePartial(file, err);
            }
            return 1;
        }
    }

    /** Like a careful script: a download that failed leaves no partial file behind. */
    private static void deletePartial(Path file, PrintStream err) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            err.println("could not delete the partial file " + file + ": " + e.getMessage());
        }
    }
}
