package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupted segmented download stops its segments before the run returns: their
 * responses are closed, nothing of them goes on afterwards, and the control record says what
 * arrived, for the report and for --continue.
 */
class SegmentedInterruptTest {
    private static final long SIZE = 4L << 20;
    private static final long SENT = 1000;
    private static final long WAIT_SECONDS = 10;
    @TempDir
    Path dir;
    // Longer than the waits below: the segments' reads must end by the interrupt, not a timeout.
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(60)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void anInterruptStopsEverySegmentAndRecordsWhatArrived() throws Exception {
        CountDownLatch segmentsClosed = new CountDownLatch(2);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            long first = Long.parseLong(range.substring(6, range.indexOf('-')));
            long last = Long.parseLong(range.substring(range.indexOf('-') + 1));
            r.send(Responses.head(206, "Content-Length: " + (last - first + 1), "ETag: \"e1\"",
                    "Content-Range: bytes " + first + "-" + last + "/" + SIZE));
            if (last == 0) {
                r.sendPattern(0, 1);
            } else {
                r.sendPattern(first, SENT).awaitClientClose().signal(segmentsClosed);
            }
        }))) {
            DownloadJob job = DownloadJob.of(server.uri("/big.bin"));
            CountDownLatch bothStarted = new CountDownLatch(1);
            Downloader downloader = Downloader.builder(client).directory(dir).segments(2).listener(e -> {
                if (e instanceof ProgressEvent.Bytes b && b.bytes() == 2 * SENT) {
                    bothStarted.countDown();
                }
            }).build();
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    downloader.run(List.of(job));
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            assertThat(bothStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("both segments have their first bytes").isTrue();
            Path part = dir.resolve("big.bin.part");
            assumeTrue(Files.getFileAttributeView(part, UserDefinedFileAttributeView.class) != null
                    && new PartFile(dir.resolve("big.bin")).attribute(PartFile.SEGMENTS_ATTRIBUTE).isPresent(),
                    "no extended attributes here");

            runner.interrupt();

            Throwable t = thrown.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(DownloadInterruptedException.class);
            Report.Item item = ((DownloadInterruptedException) t).report().items().get(0);
            assertThat(item.error().isInterruption()).isTrue();
            // What the record says arrived: it was written as the segments stopped.
            assertThat(item.bytes()).isEqualTo(2 * SENT);
            assertThat(new PartFile(dir.resolve("big.bin")).heldBytes()).isEqualTo(2 * SENT);
            // The segments' connections were closed, not left reading until a timeout and a retry.
            assertThat(segmentsClosed.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("both segment connections closed").isTrue();
            assertThat(server.requests()).hasSize(3);
        }
    }
}
