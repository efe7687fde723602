package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@link Downloader.Builder#removeFailedFiles}, a failed job removes the file at its final
 * path while its part is still locked: a file another run makes there once the lock is free is
 * never removed by the first run's end. (The command line removed failed items' files after
 * the whole run, locks long released, and so removed a file another run had reported done.)
 */
class FailedFileRemovalTest {
    private static final int SIZE = 100_000;
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(30)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static DownloadJob job(ScriptedServer server, String path, String name) {
        return new DownloadJob(server.uri(path), Path.of(name), Optional.empty());
    }

    @Test
    void aFileAnotherRunMadeAfterAFailedJobEndedStays() throws Exception {
        Files.writeString(dir.resolve("file.bin"), "an earlier run's copy");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            switch (req.target()) {
                case "/big" -> r.send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(0, 1000)
                        .stallUntil("go").sendPattern(1000, SIZE - 1000);
                case "/gone" -> r.send(Responses.head(404, "Content-Length: 0"));
                default -> r.send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(1L << 40, SIZE);
            }
        }))) {
            CompletableFuture<Report> first = DownloadRuns.inBackground(Downloader.builder(client).directory(dir)
                    .concurrency(2).removeFailedFiles(true).retryPolicy(RetryPolicy.of(0)).build(),
                    List.of(job(server, "/big", "big.bin"), job(server, "/gone", "file.bin")));
            server.awaitRequests(2, Duration.ofSeconds(10));
            // The failed job has ended once its part is free: its removal came before.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Optional<PartLock> free;
            while ((free = PartLock.tryLock(dir.resolve("file.bin.part"))).isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(free).as("the failed job let its part go").isPresent();
            free.get().release();
            assertThat(dir.resolve("file.bin")).as("the earlier run's copy, removed by the failed job").doesNotExist();

            Report second = Downloader.builder(client).directory(dir).removeFailedFiles(true).build()
                    .run(List.of(job(server, "/two", "file.bin")));
            assertThat(second.isOk()).as("%s", second.toJson()).isTrue();

            server.release("go");
            Report done = first.get(10, TimeUnit.SECONDS);
            assertThat(done.items()).extracting(Report.Item::ok).containsExactly(true, false);
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(1L << 40, SIZE));
        }
    }

    @Test
    void withoutTheOptionAFailedJobLeavesTheFileThere() throws Exception {
        Files.writeString(dir.resolve("file.bin"), "an earlier run's copy");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.head(404, "Content-Length: 0"))))) {
            Report report = Downloader.builder(client).directory(dir).retryPolicy(RetryPolicy.of(0)).build()
                    .run(List.of(job(server, "/gone", "file.bin")));

            assertThat(report.isOk()).isFalse();
            assertThat(Files.readString(dir.resolve("file.bin"))).isEqualTo("an earlier run's copy");
        }
    }
}
