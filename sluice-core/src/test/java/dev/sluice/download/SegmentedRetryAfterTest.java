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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With segments, a Retry-After is honoured as in one stream: a 503 to the probe or to a
 * segment is retried after the server's wait, not the backoff's, and one over the limit ends
 * the job, saying so, instead of being retried.
 */
class SegmentedRetryAfterTest {
    private static final int SIZE = 2 << 20;
    private static final String ETAG = "\"r1\"";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private static final String OVER_THE_LIMIT = "Retry-After of 700 s is over the 10-minute limit";
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeClient() {
        client.close();
    }

    /**
     * Answers the probes for which {@code refuseProbe} holds (counting probes from 1) and every
     * segment for which {@code refuseSegment} holds (counting segment requests from 1) with a
     * 503 and {@code Retry-After: retryAfter}; every other range with its 206.
     */
    private static ScriptedServer refusing(IntPredicate refuseProbe, IntPredicate refuseSegment, String retryAfter)
            throws Exception {
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger segments = new AtomicInteger();
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            Matcher m = RANGE.matcher(req.header("Range"));
            assertThat(m.matches()).as(req.header("Range")).isTrue();
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            boolean probe = first == 0 && last == 0;
            if (probe ? refuseProbe.test(probes.incrementAndGet()) : refuseSegment.test(segments.incrementAndGet())) {
                r.send(Responses.status(503, "", "Retry-After: " + retryAfter));
                return;
            }
            r.send(Responses.head(206, "Content-Range: bytes " + first + "-" + last + "/" + SIZE,
                    "Content-Length: " + (last - first + 1), "ETag: " + ETAG)).sendPattern(first, last - first + 1);
        }));
    }

    private Report run(ScriptedServer server, int retries) throws InterruptedException {
        return Downloader.builder(client).directory(dir).segments(2).retryPolicy(RetryPolicy.of(retries))
                .sleeper(waits::add).build().run(List.of(DownloadJob.of(server.uri("/s.bin"))));
    }

    private static long probes(ScriptedServer server) {
        return server.requests().stream().filter(q -> "bytes=0-0".equals(q.header("Range"))).count();
    }

    @Test
    void aRetryAfterToTheProbeIsWaitedFor() throws Exception {
        try (var server = refusing(n -> n == 1, n -> false, "4")) {
            Report report = run(server, 3);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(waits).containsExactly(Duration.ofSeconds(4));
            byte[] got = Files.readAllBytes(dir.resolve("s.bin"));
            assertThat(got).hasSize(SIZE);
            PatternBytes.verify(got, 0, got.length, 0);
        }
    }

    @Test
    void aRetryAfterToTheProbeOverTheLimitEndsTheJobAndSaysSo() throws Exception {
        try (var server = refusing(n -> true, n -> false, "700")) {
            Report report = run(server, 3);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.httpStatus()).isEqualTo(503);
            assertThat(item.error().message()).isEqualTo(server.uri("/s.bin") + ": HTTP 503 Service Unavailable"
                    + " (not retried: " + OVER_THE_LIMIT + ")");
            assertThat(waits).isEmpty();
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aRetryAfterToASegmentOverTheLimitEndsTheJobAndSaysSo() throws Exception {
        try (var server = refusing(n -> false, n -> true, "700")) {
            Report report = run(server, 3);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.httpStatus()).isEqualTo(503);
            assertThat(item.error().message()).endsWith(" (not retried: " + OVER_THE_LIMIT + ")");
            assertThat(waits).isEmpty();
            assertThat(probes(server)).isEqualTo(1);
        }
    }

    @Test
    void everyRetryOfASegmentedDownloadWaitsTheSegmentsRetryAfter() throws Exception {
        try (var server = refusing(n -> false, n -> true, "4")) {
            Report report = run(server, 1);

            assertThat(report.isOk()).isFalse();
            assertThat(waits).isNotEmpty().allMatch(Duration.ofSeconds(4)::equals);
        }
    }
}
