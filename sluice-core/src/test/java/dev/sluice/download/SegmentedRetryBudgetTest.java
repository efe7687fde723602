package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
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
 * --retries N is N retries of a file in all, with segments as without: a segment that fails
 * is retried in place, and that retry is one of the job's, not one more on top of the job's
 * own retries of the whole segmented download. The report's attempts and the retry events
 * count the same retries.
 */
class SegmentedRetryBudgetTest {
    private static final int SIZE = 2 << 20;
    private static final String ETAG = "\"b1\"";
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
     * Answers every probe with its 206; the segment requests that {@code refused} picks (counting
     * from 1) with a 503 and the probes that {@code refusedProbe} picks too; every other range
     * with its 206.
     */
    private static ScriptedServer server(IntPredicate refusedProbe, IntPredicate refused) throws Exception {
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger segments = new AtomicInteger();
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            Matcher m = RANGE.matcher(req.header("Range"));
            assertThat(m.matches()).as(req.header("Range")).isTrue();
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            boolean probe = first == 0 && last == 0;
            if (probe ? refusedProbe.test(probes.incrementAndGet()) : refused.test(segments.incrementAndGet())) {
                r.send(Responses.status(503, ""));
                return;
            }
            r.send(Responses.head(206, "Content-Range: bytes " + first + "-" + last + "/" + SIZE,
                    "Content-Length: " + (last - first + 1), "ETag: " + ETAG)).sendPattern(first, last - first + 1);
        }));
    }

    private Report run(ScriptedServer server, int retries, boolean resume) throws InterruptedException {
        return Downloader.builder(client).directory(dir).segments(2).resume(resume).retryPolicy(RetryPolicy.of(retries))
                .sleeper(waits::add).listener(events::add).build()
                .run(List.of(DownloadJob.of(server.uri("/s.bin"))));
    }

    private List<Integer> retryNumbers() {
        return events.stream().filter(ProgressEvent.Retry.class::isInstance)
                .map(e -> ((ProgressEvent.Retry) e).attempt()).toList();
    }

    private static long probes(ScriptedServer server) {
        return server.requests().stream().filter(q -> "bytes=0-0".equals(q.header("Range"))).count();
    }

    @Test
    void segmentsThatAlwaysFailShareTheJobsRetries() throws Exception {
        try (var server = server(n -> false, n -> true)) {
            Report report = run(server, 2, false);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.httpStatus()).isEqualTo(503);
            assertThat(item.attempts()).isEqualTo(3);
            assertThat(retryNumbers()).containsExactly(1, 2);
            // Each Retry event waits, and so may a segment whose failure fell in a round another counted.
            assertThat(waits).hasSizeGreaterThanOrEqualTo(2);
            // Segments count retries by round: each asks at most once per attempt, 2 x (2 + 1).
            assertThat(server.requests().size() - probes(server)).isLessThanOrEqualTo(6);
            assertThat(probes(server)).isEqualTo(1);
        }
    }

    @Test
    void aSegmentRetriedInPlaceCountsAsAnAttemptOfTheJob() throws Exception {
        try (var server = server(n -> false, n -> n == 1)) {
            Report report = run(server, 1, false);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(2);
            assertThat(retryNumbers()).containsExactly(1);
            assertThat(probes(server)).isEqualTo(1);
            byte[] got = Files.readAllBytes(dir.resolve("s.bin"));
            assertThat(got).hasSize(SIZE);
            PatternBytes.verify(got, 0, got.length, 0);
        }
    }

    @Test
    void withoutRetriesASegmentIsNotRetriedEither() throws Exception {
        try (var server = server(n -> false, n -> n == 1)) {
            Report report = run(server, 0, false);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(retryNumbers()).isEmpty();
            assertThat(waits).isEmpty();
        }
    }

    @Test
    void aRetryAfterAFailedProbeDoesNotContinueARecordAnEarlierRunLeftWithoutContinue() throws Exception {
        // An earlier run's segments stopped: every segment request of it failed.
        try (var server = server(n -> false, n -> n <= 2)) {
            Report first = run(server, 0, false);
            assertThat(first.isOk()).isFalse();
        }
        PartFile part = new PartFile(dir.resolve("s.bin"));
        assumeTrue(part.attribute(PartFile.SEGMENTS_ATTRIBUTE).isPresent(), "no extended attributes here");
        // Pretend the first half arrived, of some other bytes: without --continue it is not kept.
        part.storeAttribute(PartFile.SEGMENTS_ATTRIBUTE, SegmentRecord.format(SIZE, ETAG,
                new long[][] {{0, SIZE / 2 - 1, SIZE / 2}, {SIZE / 2, SIZE - 1, 0}}));

        try (var server = server(n -> n == 1, n -> false)) {
            Report report = run(server, 1, false);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).extracting(RecordedRequest::rawHead).filteredOn(h -> !h.contains("bytes=0-0"))
                    .hasSize(2);
            byte[] got = Files.readAllBytes(dir.resolve("s.bin"));
            PatternBytes.verify(got, 0, got.length, 0);
        }
    }
}
