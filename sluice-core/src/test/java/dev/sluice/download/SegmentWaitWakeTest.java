package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * When one segment fails for good, a segment waiting before its retry (a backoff, or a
 * Retry-After of up to ten minutes) is woken and ends: the failed run does not wait it out
 * (found by the review: join() waited for the sleeping segment).
 */
class SegmentWaitWakeTest {
    private static final int SIZE = 2 << 20;
    private static final String ETAG = "\"w1\"";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    // The timeout only turns the hang of the old code into a failure; the run ends without waiting.
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSegmentFailingForGoodWakesASegmentWaitingToRetry() throws Exception {
        CountDownLatch asleep = new CountDownLatch(1);
        AtomicBoolean woken = new AtomicBoolean();
        // The first segment is refused with a 503 (and waits to retry); the second, once the
        // first is waiting, with a 404, which is not retried.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            Matcher m = RANGE.matcher(req.header("Range"));
            assertThat(m.matches()).as(req.header("Range")).isTrue();
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            if (first == 0 && last == 0) {
                r.send(Responses.head(206, "Content-Range: bytes 0-0/" + SIZE, "Content-Length: 1", "ETag: " + ETAG))
                        .sendPattern(0, 1);
            } else if (first == 0) {
                r.send(Responses.status(503, "", "Retry-After: 600"));
            } else {
                try {
                    asleep.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                r.send(Responses.status(404, ""));
            }
        }))) {
            // Waits until woken: never on its own.
            Downloader.Sleeper sleeper = d -> {
                asleep.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    woken.set(true);
                    throw e;
                }
            };
            Report report = Downloader.builder(client).directory(dir).segments(2).retryPolicy(RetryPolicy.of(1))
                    .sleeper(sleeper).build().run(List.of(DownloadJob.of(server.uri("/s.bin"))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.httpStatus()).isEqualTo(404);
            assertThat(woken).isTrue();
            // The probe and one request per segment: the woken segment did not ask again.
            assertThat(server.requests()).hasSize(3);
        }
    }
}
