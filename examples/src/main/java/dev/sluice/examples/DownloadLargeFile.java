package dev.sluice.examples;

import dev.sluice.Client;
import dev.sluice.HttpStatusException;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.SluiceException;
import dev.sluice.SluiceTimeoutException;
import java.io.IOException;
import java.io.OutputStream;
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

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: DownloadLargeFile URL FILE");
            System.exit(2);
        }
        String url = args[0];
        Path file = Path.of(args[1]);
        long start = System.nanoTime();
        try (Client client = Client.builder().readTimeout(Duration.ofSeconds(30)).build();
             Response response = client.send(Request.get(url))) {
            response.raiseForStatus();
            long bytes = 0;
            try (OutputStream out = Files.newOutputStream(file);
                 WritableByteChannel channel = Channels.newChannel(out)) {
                for (ByteBuffer chunk : response.body().chunks(8192)) {
                    bytes += chunk.remaining();
                    channel.write(chunk);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("downloaded %d bytes in %.2f s (%.1f MB/s)%n", bytes, seconds, bytes / seconds / 1e6);
        } catch (HttpStatusException e) {
            System.err.println("server said no: " + e.getMessage());
            System.exit(1);
        } catch (SluiceTimeoutException e) {
            System.err.println("timed out: " + e.getMessage());
            System.exit(1);
        } catch (SluiceException e) {
            System.err.println("download failed: " + e.getMessage());
            System.exit(1);
        } catch (UncheckedIOException e) {
            // The chunk iterator cannot throw checked exceptions; the typed cause is inside.
            System.err.println("download failed: " + e.getCause().getMessage());
            System.exit(1);
        }
    }
}
