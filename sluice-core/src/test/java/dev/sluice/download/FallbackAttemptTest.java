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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-stream fall-back after segments whose ranges stopped working runs in the attempt
 * the segments reached, not the one the segmented attempt began in (found by the review: its
 * Started said attempt 1 after Retry 1 and 2).
 */
class FallbackAttemptTest {
    private static final int SIZE = 2 << 20;
    private static final String ETAG = "\"f1\"";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();
    private final List<ProgressEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theFallBackToOneStreamStartsInTheAttemptTheSegmentsReached() throws Exception {
        AtomicInteger segmentRequests = new AtomicInteger();
        CountDownLatch round1 = new CountDownLatch(2);
        CountDownLatch round2 = new CountDownLatch(2);
        // Two rounds of both segments refused (each held until both arrive: one retry each),
        // then a 200 to a range: ranges stopped working, and the file comes in one stream.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            if (range == null) {
                r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: " + ETAG)).sendPattern(0, SIZE);
                return;
            }
            Matcher m = RANGE.matcher(range);
            assertThat(m.matches()).as(range).isTrue();
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            if (first == 0 && last == 0) {
                r.send(Responses.head(206, "Content-Range: bytes 0-0/" + SIZE, "Content-Length: 1", "ETag: " + ETAG))
                        .sendPattern(0, 1);
                return;
            }
            int n = segmentRequests.incrementAndGet();
            if (n <= 4) {
                CountDownLatch round = n <= 2 ? round1 : round2;
                round.countDown();
                await(round);
                r.send(Responses.status(503, ""));
            } else {
                r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: " + ETAG)).sendPattern(0, SIZE);
            }
        }))) {
            Report report = Downloader.builder(client).directory(dir).segments(2).retryPolicy(RetryPolicy.of(3))
                    .sleeper(d -> { }).listener(events::add).build()
                    .run(List.of(DownloadJob.of(server.uri("/s.bin"))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(3);
            assertThat(events).filteredOn(ProgressEvent.Retry.class::isInstance)
                    .extracting(e -> ((ProgressEvent.Retry) e).attempt()).containsExactly(1, 2);
            // The segmented attempt's Started, then the one stream's, in the attempt the retries reached.
            assertThat(events).filteredOn(ProgressEvent.Started.class::isInstance)
                    .extracting(e -> ((ProgressEvent.Started) e).attempt()).containsExactly(1, 3);
            byte[] got = Files.readAllBytes(dir.resolve("s.bin"));
            assertThat(got).hasSize(SIZE);
            PatternBytes.verify(got, 0, got.length, 0);
        }
    }
}
