package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment's Retry-After does not carry into the one-stream fall-back (found by the review:
 * when one segment's 503 with Retry-After: 700 ended the segments while another found that
 * ranges stopped working, the file came in one stream with that Retry-After still held, and a
 * failure of the one stream then ended the item "not retried: Retry-After of 700 s").
 *
 * <p>Which segment's failure ends the run is a race the test cannot order (nothing observable
 * lies between a segment finding the 200 and publishing its failure), so it runs the race
 * many times, each to an outcome that is right whoever wins: when the file came in one
 * stream, its failed first request is retried and the item succeeds.
 */
class FallbackRetryAfterTest {
    private static final int SIZE = 2 << 20;
    private static final String ETAG = "\"a1\"";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private static final int RUNS = 200;
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void theOneStreamAfterSegmentsIsNotHeldToASegmentsRetryAfter() throws Exception {
        for (int i = 0; i < RUNS; i++) {
            runOnce(Files.createDirectory(dir.resolve("run" + i)));
        }
    }

    private void runOnce(Path into) throws Exception {
        CountDownLatch bothAsked = new CountDownLatch(2);
        AtomicInteger plainGets = new AtomicInteger();
        // Segment 1: a 503 with a Retry-After over the limit; segment 2: a 200, ranges no longer
        // work; both sent at once. The first plain GET: a 500; the next: the file.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            if (range == null) {
                if (plainGets.incrementAndGet() == 1) {
                    r.send(Responses.status(500, ""));
                } else {
                    r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: " + ETAG)).sendPattern(0, SIZE);
                }
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
            bothAsked.countDown();
            try {
                bothAsked.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (first == 0) {
                r.send(Responses.status(503, "", "Retry-After: 700"));
            } else {
                r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: " + ETAG)).sendPattern(0, SIZE);
            }
        }))) {
            Report report = Downloader.builder(client).directory(into).segments(2).retryPolicy(RetryPolicy.of(2))
                    .sleeper(d -> { }).build().run(List.of(DownloadJob.of(server.uri("/s.bin"))));

            Report.Item item = report.items().get(0);
            if (plainGets.get() == 0) {
                // The 503 ended the segments before the 200 was seen: its Retry-After ends the job.
                assertThat(item.ok()).isFalse();
                assertThat(item.error().message()).contains("not retried: Retry-After of 700 s");
            } else {
                assertThat(item.ok()).as("%s", report.toJson()).isTrue();
                assertThat(plainGets).hasValue(2);
            }
        }
    }
}
