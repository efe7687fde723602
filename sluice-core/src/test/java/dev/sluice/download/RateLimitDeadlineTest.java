package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rate limit waits off each read after it: at 1 byte/s a read of 4 KiB owes more than an
 * hour. That wait did not watch the total timeout, so an attempt limited to one second went on
 * for the hour (at --limit-rate 100, 163 s for --timeout 3). The timeout now ends the wait.
 */
class RateLimitDeadlineTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void theTotalTimeoutEndsTheWaitOfTheRateLimit() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000000")).sendPattern(4096).stallUntil("never")));
             Client client = Client.builder().totalTimeout(Duration.ofSeconds(1)).build()) {
            Downloader limited = Downloader.builder(client).directory(dir).rateLimit(1).retryPolicy(RetryPolicy.of(0)).build();
            DownloadJob job = new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty());

            // Not a measure of time: the run ends long before its hour, or the wait fails.
            CompletableFuture<Report> run = DownloadRuns.inBackground(limited, List.of(job));
            Report report = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            Report.Item item = report.items().getFirst();
            assertThat(item.ok()).isFalse();
            assertThat(item.error().kind()).isEqualTo("timeout");
            assertThat(item.error().message()).contains("total timeout of 1 s");
            assertThat(item.bytes()).isEqualTo(4096);
            assertThat(dir.resolve("file.bin")).doesNotExist();
            assertThat(dir.resolve("file.bin.part")).hasSize(4096);
        }
    }
}
