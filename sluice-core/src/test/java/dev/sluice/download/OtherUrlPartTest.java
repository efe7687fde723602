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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --continue never resumes a part another URL left under the same name: an entity tag is
 * scoped to one resource (RFC 9110 §8.8.3), and two copies of a file at two paths share one
 * where it is made of the file's time and size, as nginx's is. Such a part starts over from
 * byte 0, in one stream and in segments alike.
 */
class OtherUrlPartTest {
    private static final int SIZE = 4 << 20;
    /** Where a cut body of /a stops. */
    private static final int CUT = 1 << 20;
    /** The validator of both files. */
    private static final String ETAG = "\"5f3a-400000\"";
    /** The file at /b is the pattern from this offset on, so no byte range of it is of /a's. */
    private static final long B = 1L << 40;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    /**
     * Serves /a/f.bin and /b/f.bin, two files under one ETag that honour every Range (and
     * If-Range, which names the same tag for both). While {@code cut} is set, a body of /a
     * stops after {@link #CUT} bytes.
     */
    private static ScriptedServer twoFilesOneTag(AtomicBoolean cut) throws Exception {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            long base = req.target().startsWith("/b/") ? B : 0;
            String range = req.header("Range");
            long first = 0;
            long last = SIZE - 1;
            if (range != null) {
                Matcher m = RANGE.matcher(range);
                assertThat(m.matches()).as(range).isTrue();
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? SIZE - 1 : Long.parseLong(m.group(2));
            }
            long length = last - first + 1;
            r.send(range == null ? Responses.head(200, "Content-Length: " + SIZE, "ETag: " + ETAG)
                    : Responses.head(206, "Content-Range: bytes " + first + "-" + last + "/" + SIZE,
                            "Content-Length: " + length, "ETag: " + ETAG));
            if (cut.get() && base == 0 && length > 1) {
                r.sendPattern(base + first, Math.min(length, CUT)).close();
            } else {
                r.sendPattern(base + first, length);
            }
        }));
    }

    private Report run(ScriptedServer server, String path, int segments, boolean resume) throws InterruptedException {
        return Downloader.builder(client).directory(dir).segments(segments).resume(resume)
                .retryPolicy(RetryPolicy.of(0)).sleeper(d -> { }).build()
                .run(List.of(new DownloadJob(server.uri(path), Path.of("f.bin"), Optional.empty())));
    }

    /** Leaves the part of a cut download of /a/f.bin, and says how many requests that took. */
    private int leavePartOfA(ScriptedServer server, int segments) throws Exception {
        Report first = run(server, "/a/f.bin", segments, false);
        assertThat(first.isOk()).as("%s", first.toJson()).isFalse();
        Path part = dir.resolve("f.bin.part");
        assumeTrue(PartFile.recordedUrlOf(part).isPresent(), "no extended attributes here");
        assertThat(new PartFile(dir.resolve("f.bin")).heldBytes()).isPositive();
        return server.requests().size();
    }

    private void assertFileOfB(Report report) throws Exception {
        assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
        byte[] got = Files.readAllBytes(dir.resolve("f.bin"));
        assertThat(got).hasSize(SIZE);
        PatternBytes.verify(got, 0, got.length, B);
        assertThat(PartFile.recordedUrlOf(dir.resolve("f.bin"))).contains(report.items().get(0).url());
    }

    @Test
    void continuingInOneStreamDoesNotResumeAPartAnotherUrlLeft() throws Exception {
        AtomicBoolean cut = new AtomicBoolean(true);
        try (var server = twoFilesOneTag(cut)) {
            int before = leavePartOfA(server, 1);
            cut.set(false);

            Report report = run(server, "/b/f.bin", 1, true);

            List<RecordedRequest> requests = server.requests().subList(before, server.requests().size());
            assertThat(requests).extracting(RecordedRequest::target).containsExactly("/b/f.bin");
            assertThat(requests.getFirst().header("Range")).isNull();
            assertThat(requests.getFirst().header("If-Range")).isNull();
            assertFileOfB(report);
        }
    }

    @Test
    void continuingWithSegmentsDoesNotResumeAOneStreamPartAnotherUrlLeft() throws Exception {
        AtomicBoolean cut = new AtomicBoolean(true);
        try (var server = twoFilesOneTag(cut)) {
            int before = leavePartOfA(server, 1);
            cut.set(false);

            Report report = run(server, "/b/f.bin", 2, true);

            // The probe, then two segments from the start of each: no Range from the part's end.
            List<RecordedRequest> requests = server.requests().subList(before, server.requests().size());
            assertThat(requests).extracting(q -> q.header("Range"))
                    .containsExactlyInAnyOrder("bytes=0-0", "bytes=0-" + (SIZE / 2 - 1), "bytes=" + SIZE / 2 + "-" + (SIZE - 1));
            assertFileOfB(report);
        }
    }

    @Test
    void continuingWithSegmentsDoesNotContinueTheSegmentsAnotherUrlLeft() throws Exception {
        AtomicBoolean cut = new AtomicBoolean(true);
        try (var server = twoFilesOneTag(cut)) {
            int before = leavePartOfA(server, 2);
            assertThat(new PartFile(dir.resolve("f.bin")).attribute(PartFile.SEGMENTS_ATTRIBUTE)).isPresent();
            cut.set(false);

            Report report = run(server, "/b/f.bin", 2, true);

            List<RecordedRequest> requests = server.requests().subList(before, server.requests().size());
            assertThat(requests).extracting(q -> q.header("Range"))
                    .containsExactlyInAnyOrder("bytes=0-0", "bytes=0-" + (SIZE / 2 - 1), "bytes=" + SIZE / 2 + "-" + (SIZE - 1));
            assertFileOfB(report);
        }
    }

    @Test
    void aPartOfTheSameUrlIsStillContinued() throws Exception {
        AtomicBoolean cut = new AtomicBoolean(true);
        try (var server = twoFilesOneTag(cut)) {
            int before = leavePartOfA(server, 1);
            long held = Files.size(dir.resolve("f.bin.part"));
            cut.set(false);

            Report report = run(server, "/a/f.bin", 1, true);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            RecordedRequest resumed = server.requests().get(before);
            assertThat(resumed.header("Range")).isEqualTo("bytes=" + held + "-");
            assertThat(resumed.header("If-Range")).isEqualTo(ETAG);
            byte[] got = Files.readAllBytes(dir.resolve("f.bin"));
            PatternBytes.verify(got, 0, got.length, 0);
        }
    }
}
