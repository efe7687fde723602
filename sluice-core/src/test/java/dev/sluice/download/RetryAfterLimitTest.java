package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job that a Retry-After over the limit ends says so: otherwise a 429 that is retried seems not to be. */
class RetryAfterLimitTest {
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void aRetryAfterOverTheLimitIsNamedAsWhyTheJobWasNotRetried() throws Exception {
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(429, "", "Retry-After: 36000"))))) {
            Report report = Downloader.builder(client).directory(dir).listener(events::add).sleeper(d -> { }).build()
                    .run(List.of(DownloadJob.of(server.uri("/later.bin"))));

            Report.Item item = report.items().get(0);
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.error().kind()).isEqualTo("http");
            assertThat(item.error().message()).isEqualTo(server.uri("/later.bin") + ": HTTP 429 Too Many Requests"
                    + " (not retried: Retry-After of 36000 s is over the 10-minute limit)");
            assertThat(events).filteredOn(ProgressEvent.Failed.class::isInstance).singleElement()
                    .extracting(e -> ((ProgressEvent.Failed) e).notRetried())
                    .isEqualTo(Optional.of("Retry-After of 36000 s is over the 10-minute limit"));
        }
    }

    @Test
    void aRetryAfterOverTheLimitIsNotNamedWhenNoRetryWasLeft() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(429, "", "Retry-After: 36000"))))) {
            Report report = Downloader.builder(client).directory(dir).retryPolicy(RetryPolicy.of(0)).build()
                    .run(List.of(DownloadJob.of(server.uri("/later.bin"))));

            assertThat(report.items().get(0).error().message()).isEqualTo(server.uri("/later.bin") + ": HTTP 429 Too Many Requests");
        }
    }

    @Test
    void aRetryAfterTooLargeForALongIsNotQuotedAsTheCapItBecomes() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(503, "", "Retry-After: 99999999999999999999"))))) {
            Report report = Downloader.builder(client).directory(dir).sleeper(d -> { }).build()
                    .run(List.of(DownloadJob.of(server.uri("/later.bin"))));

            assertThat(report.items().get(0).error().message()).isEqualTo(server.uri("/later.bin")
                    + ": HTTP 503 Service Unavailable (not retried: Retry-After of more than 9223372036854775807 s"
                    + " is over the 10-minute limit)");
        }
    }

    /** The largest count a long holds, and the first one whose nanoseconds a long cannot hold, are quoted as sent. */
    @Test
    void aRetryAfterThatALongHoldsIsQuotedAsSent() throws Exception {
        for (String seconds : List.of("9223372036", "9223372036854775807")) {
            try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                    .send(Responses.status(503, "", "Retry-After: " + seconds))))) {
                Report report = Downloader.builder(client).directory(dir).sleeper(d -> { }).build()
                        .run(List.of(DownloadJob.of(server.uri("/later.bin"))));

                assertThat(report.items().get(0).error().message()).isEqualTo(server.uri("/later.bin")
                        + ": HTTP 503 Service Unavailable (not retried: Retry-After of " + seconds + " s"
                        + " is over the 10-minute limit)");
            }
        }
    }
}
