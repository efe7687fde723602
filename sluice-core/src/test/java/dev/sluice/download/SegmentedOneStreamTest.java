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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a segmented download turns into one stream: ranges that stop working after the probe
 * cost no retry, a 200 to the probe is not asked for again by a retry, and --continue takes up
 * a part left in one stream in one stream, instead of splitting the file afresh.
 */
class SegmentedOneStreamTest {
    private static final long SIZE = 4L << 20;
    /** Where a cut body stops. */
    private static final long CUT = 1L << 20;
    private static final String ETAG = "\"e1\"";
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static String range(RecordedRequest q) {
        return q.header("Range");
    }

    /**
     * Honours the probe's {@code bytes=0-0} and open-ended ranges ({@code bytes=N-}, as a
     * one-stream resume asks) with a 206, but answers a closed range (a segment's) with the
     * whole file's 200. While {@code cut} is set, every body stops after {@link #CUT} bytes.
     */
    private static ScriptedServer onlyOpenEndedRanges(AtomicBoolean cut) throws Exception {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            if ("bytes=0-0".equals(range)) {
                r.send(Responses.head(206, "Content-Range: bytes 0-0/" + SIZE, "Content-Length: 1", "ETag: " + ETAG))
                        .sendPattern(0, 1);
                return;
            }
            if (range != null && !range.endsWith("-")) {
                // The client reads the head, sees no range, and closes: nothing more to send.
                r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: " + ETAG)).awaitClientClose();
                return;
            }
            long from = range == null ? 0 : Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
            r.send(from == 0 ? Responses.head(200, "Content-Length: " + SIZE, "ETag: " + ETAG)
                    : Responses.head(206, "Content-Range: bytes " + from + "-" + (SIZE - 1) + "/" + SIZE,
                            "Content-Length: " + (SIZE - from), "ETag: " + ETAG));
            if (cut.get()) {
                r.sendPattern(from, CUT).close();
            } else {
                r.sendPattern(from, SIZE - from);
            }
        }));
    }

    private void assertWholeFile(Path file) throws Exception {
        byte[] got = Files.readAllBytes(file);
        assertThat(got).hasSize((int) SIZE);
        PatternBytes.verify(got, 0, got.length, 0);
    }

    @Test
    void segmentsAnsweredWithTheWholeFileFallBackToOneStreamWithoutARetry() throws Exception {
        try (var server = onlyOpenEndedRanges(new AtomicBoolean())) {
            Report report = Downloader.builder(client).directory(dir).segments(4).retryPolicy(RetryPolicy.of(0))
                    .build().run(List.of(DownloadJob.of(server.uri("/big.bin"))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.httpStatus()).isEqualTo(200);
            assertWholeFile(dir.resolve("big.bin"));
            List<RecordedRequest> requests = server.requests();
            assertThat(requests).filteredOn(q -> "bytes=0-0".equals(range(q))).hasSize(1);
            assertThat(range(requests.getLast())).isNull();
        }
    }

    @Test
    void theFallbackWithRetriesLeftNeitherWaitsNorSaysItRetries() throws Exception {
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        AtomicInteger waits = new AtomicInteger();
        try (var server = onlyOpenEndedRanges(new AtomicBoolean())) {
            Report report = Downloader.builder(client).directory(dir).segments(4)
                    .sleeper(d -> waits.incrementAndGet()).listener(events::add)
                    .build().run(List.of(DownloadJob.of(server.uri("/big.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).attempts()).isEqualTo(1);
            assertThat(events).noneMatch(e -> e instanceof ProgressEvent.Retry);
            assertThat(waits).hasValue(0);
            assertWholeFile(dir.resolve("big.bin"));
        }
    }

    @Test
    void aRetryAfterTheProbesWholeFileFailedDoesNotProbeAgain() throws Exception {
        // A server without ranges: the probe's 200 is the one stream; its first body stops short.
        AtomicInteger bodies = new AtomicInteger();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: " + ETAG));
            if (bodies.getAndIncrement() == 0) {
                r.sendPattern(0, CUT).close();
            } else {
                r.sendPattern(0, SIZE);
            }
        }))) {
            Report report = Downloader.builder(client).directory(dir).segments(4).retryPolicy(RetryPolicy.of(1))
                    .sleeper(d -> { }).build().run(List.of(DownloadJob.of(server.uri("/whole.bin"))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(2);
            assertWholeFile(dir.resolve("whole.bin"));
            // The retry resumes (and gets the whole file again, which it saves from byte 0):
            // no second probe, whose 200 would open the whole file only to close it.
            assertThat(server.requests()).extracting(SegmentedOneStreamTest::range)
                    .containsExactly("bytes=0-0", "bytes=" + CUT + "-");
        }
    }

    @Test
    void continuingAPartLeftInOneStreamResumesItInOneStream() throws Exception {
        AtomicBoolean cut = new AtomicBoolean(true);
        try (var server = onlyOpenEndedRanges(cut)) {
            // Run 1: the segments get 200s, the file comes in one stream, and every body stops short.
            Report first = Downloader.builder(client).directory(dir).segments(4).retryPolicy(RetryPolicy.of(1))
                    .sleeper(d -> { }).build().run(List.of(DownloadJob.of(server.uri("/big.bin"))));
            assertThat(first.isOk()).as("%s", first.toJson()).isFalse();
            PartFile part = new PartFile(dir.resolve("big.bin"));
            assumeTrue(part.storedSource().validator().isPresent(), "no extended attributes here");
            long held = Files.size(part.path());
            assertThat(held).isPositive().isLessThan(SIZE);
            assertThat(part.attribute(PartFile.SEGMENTS_ATTRIBUTE)).isEmpty();
            int before = server.requests().size();

            // Run 2, with -c: the probe's 206 must not make a fresh plan over the part's bytes.
            cut.set(false);
            Report second = Downloader.builder(client).directory(dir).segments(4).resume(true)
                    .retryPolicy(RetryPolicy.of(0)).build().run(List.of(DownloadJob.of(server.uri("/big.bin"))));

            Report.Item item = second.items().get(0);
            assertThat(item.ok()).as("%s", second.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.httpStatus()).isEqualTo(206);
            assertWholeFile(dir.resolve("big.bin"));
            List<RecordedRequest> requests = server.requests().subList(before, server.requests().size());
            assertThat(requests).extracting(SegmentedOneStreamTest::range).containsExactly("bytes=0-0", "bytes=" + held + "-");
            assertThat(requests.getLast().header("If-Range")).isEqualTo(ETAG);
        }
    }

    @Test
    void continuingAPartOfAnotherVersionStillSplitsTheFile() throws Exception {
        // A server whose ranges all work, and a one-stream part under an older ETag: it is no
        // start of this file, so the segments plan afresh over it.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            String[] ends = range.substring("bytes=".length()).split("-");
            long from = Long.parseLong(ends[0]);
            long to = ends.length > 1 ? Long.parseLong(ends[1]) : SIZE - 1;
            r.send(Responses.head(206, "Content-Range: bytes " + from + "-" + to + "/" + SIZE,
                    "Content-Length: " + (to - from + 1), "ETag: " + ETAG)).sendPattern(from, to - from + 1);
        }))) {
            PartFile part = new PartFile(dir.resolve("big.bin"));
            Files.write(part.path(), PatternBytes.bytes(0, (int) CUT));
            assumeTrue(part.storeAttribute("sluice.validator", "\"old\""), "no extended attributes here");
            part.storeAttribute("sluice.length", Long.toString(SIZE));

            Report report = Downloader.builder(client).directory(dir).segments(4).resume(true)
                    .retryPolicy(RetryPolicy.of(0)).build().run(List.of(DownloadJob.of(server.uri("/big.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertWholeFile(dir.resolve("big.bin"));
            assertThat(server.requests()).extracting(SegmentedOneStreamTest::range)
                    .filteredOn(r -> !r.endsWith("-")).hasSize(5); // the probe and four segments
        }
    }
}
