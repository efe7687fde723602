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
 * Segments count retries by round, not by failure: one blip that fails every segment at once
 * (each one's first request refused with a 503) is one retry of the file, as it is in one
 * stream, even with more segments than retries (found by the review: with -s 4 --retries 3 it
 * used up all three and failed the file).
 */
class SegmentRetryRoundTest {
    private static final int SEGMENTS = 4;
    private static final int SIZE = SEGMENTS << 20;
    private static final String ETAG = "\"r1\"";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final List<ProgressEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeClient() {
        client.close();
    }

    /**
     * Answers the probe with its 206; the first request of every segment with a 503 (Retry-After: 2), sent only
     * once all of them have arrived (so that they fail in one round, whatever the threads'
     * order); every later range with its 206.
     */
    private static ScriptedServer blip() throws Exception {
        AtomicInteger segmentRequests = new AtomicInteger();
        CountDownLatch allArrived = new CountDownLatch(SEGMENTS);
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            Matcher m = RANGE.matcher(req.header("Range"));
            assertThat(m.matches()).as(req.header("Range")).isTrue();
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            if (!(first == 0 && last == 0) && segmentRequests.incrementAndGet() <= SEGMENTS) {
                allArrived.countDown();
                try {
                    allArrived.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                r.send(Responses.status(503, "", "Retry-After: 2"));
                return;
            }
            r.send(Responses.head(206, "Content-Range: bytes " + first + "-" + last + "/" + SIZE,
                    "Content-Length: " + (last - first + 1), "ETag: " + ETAG)).sendPattern(first, last - first + 1);
        }));
    }

    private Report run(ScriptedServer server, int retries) throws InterruptedException {
        return Downloader.builder(client).directory(dir).segments(SEGMENTS).retryPolicy(RetryPolicy.of(retries))
                .sleeper(waits::add).listener(events::add).build()
                .run(List.of(DownloadJob.of(server.uri("/s.bin"))));
    }

    private List<Integer> retryNumbers() {
        return events.stream().filter(ProgressEvent.Retry.class::isInstance)
                .map(e -> ((ProgressEvent.Retry) e).attempt()).toList();
    }

    private void assertOneRetry(ScriptedServer server, Report report) throws Exception {
        Report.Item item = report.items().get(0);
        assertThat(item.ok()).as("%s", report.toJson()).isTrue();
        assertThat(item.attempts()).isEqualTo(2);
        assertThat(retryNumbers()).containsExactly(1);
        // The probe, the refused round, and each segment once more.
        assertThat(server.requests()).hasSize(1 + 2 * SEGMENTS);
        byte[] got = Files.readAllBytes(dir.resolve("s.bin"));
        assertThat(got).hasSize(SIZE);
        PatternBytes.verify(got, 0, got.length, 0);
    }

    @Test
    void oneBlipOnEverySegmentAtOnceIsOneRetryWithFewerRetriesThanSegments() throws Exception {
        try (var server = blip()) {
            assertOneRetry(server, run(server, 3));
        }
    }

    @Test
    void oneBlipOnEverySegmentAtOnceNeedsOnlyOneRetry() throws Exception {
        try (var server = blip()) {
            assertOneRetry(server, run(server, 1));
        }
    }

    @Test
    void everySegmentRefusedInTheRoundWaitsTheRoundsDelay() throws Exception {
        try (var server = blip()) {
            run(server, 1);

            // One Retry event, but no segment asks again at once: each waits the round's delay.
            assertThat(waits).hasSize(SEGMENTS).containsOnly(Duration.ofSeconds(2));
        }
    }
}
