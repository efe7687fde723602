package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.Nginx;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentedDownloadTest {
    private static final long SIZE = 6L << 20;
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(20)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void segmentsCoverTheFileExactly() {
        long[][] plan = SegmentedDownload.plan(10, 3);
        assertThat(plan).hasDimensions(3, 3);
        assertThat(plan[0]).containsExactly(0, 2, 0);
        assertThat(plan[1]).containsExactly(3, 5, 0);
        assertThat(plan[2]).containsExactly(6, 9, 0);
        assertThat(SegmentedDownload.segmentsFor(SIZE, 4)).isEqualTo(4);
        assertThat(SegmentedDownload.segmentsFor(1_500_000, 4)).isEqualTo(1);
    }

    @Test
    @Tag("interop")
    void aLargeFileArrivesWholeOverFourRangedConnections() throws Exception {
        assumeTrue(Nginx.isAvailable(), "nginx not installed; run scripts/ensure-nginx.sh");
        try (Nginx nginx = Nginx.start()) {
            PatternBytes.writeFile(nginx.root().resolve("big.bin"), SIZE);
            Report report = Downloader.builder(client).directory(dir).segments(4).build()
                    .run(List.of(new DownloadJob(nginx.uri("/big.bin"), Path.of("big.bin"),
                            Optional.of(Checksum.parse("sha256=" + PatternBytes.sha256Hex(0, SIZE))))));
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            byte[] got = Files.readAllBytes(dir.resolve("big.bin"));
            assertThat(got).hasSize((int) SIZE);
            PatternBytes.verify(got, 0, got.length, 0);
            List<Nginx.AccessLogEntry> log = nginx.awaitAccessLog(5, Duration.ofSeconds(10));
            assertThat(log).filteredOn(e -> e.status() == 206).hasSize(5); // the probe and four segments
            assertThat(Files.exists(dir.resolve("big.bin.part"))).isFalse();
        }
    }

    @ParameterizedTest(name = "-s {0}")
    @ValueSource(ints = {2, 1})
    @Tag("interop")
    void aRestartResumesEverySegmentFromItsRecordWithOrWithoutSegmentsGivenAgain(int segments) throws Exception {
        // 1: -c without -s; the part's record says how it was split, and its bytes are kept.
        assumeTrue(Nginx.isAvailable(), "nginx not installed; run scripts/ensure-nginx.sh");
        try (Nginx nginx = Nginx.start()) {
            PatternBytes.writeFile(nginx.root().resolve("big.bin"), SIZE);
            String etag;
            try (Response head = client.send(Request.head(nginx.uri("/big.bin").toString()))) {
                etag = head.headers().first("ETag").orElseThrow();
            }
            // An earlier run left segment 0 half done and segment 1 finished.
            long half = SIZE / 2;
            Path part = dir.resolve("big.bin.part");
            byte[] prefix = PatternBytes.bytes(0, (int) SIZE);
            for (int i = (int) (half / 2); i < half; i++) {
                prefix[i] = 0;
            }
            Files.write(part, prefix);
            String record = SIZE + " " + etag.replace(' ', '_') + "\n0 " + (half - 1) + " " + half / 2 + "\n"
                    + half + " " + (SIZE - 1) + " " + half + "\n";
            UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
            assumeTrue(view != null, "no extended attributes here");
            view.write("sluice.segments", ByteBuffer.wrap(record.getBytes(StandardCharsets.ISO_8859_1)));
            view.write("sluice.validator", ByteBuffer.wrap(etag.getBytes(StandardCharsets.ISO_8859_1)));

            Report report = Downloader.builder(client).directory(dir).segments(segments).resume(true).build()
                    .run(List.of(new DownloadJob(nginx.uri("/big.bin"), Path.of("big.bin"), Optional.empty())));
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            // The size of the file, not what this run fetched (half - half / 2 bytes).
            assertThat(report.totalBytes()).isEqualTo(SIZE);
            byte[] got = Files.readAllBytes(dir.resolve("big.bin"));
            PatternBytes.verify(got, 0, got.length, 0);
            List<Nginx.AccessLogEntry> log = nginx.awaitAccessLog(2, Duration.ofSeconds(10));
            assertThat(log).extracting(Nginx.AccessLogEntry::request).anyMatch(r -> r.startsWith("GET /big.bin"));
            assertThat(log).filteredOn(e -> e.request().startsWith("GET"))
                    .as("ranges only: the whole file is not asked for again").allMatch(e -> e.status() == 206);
        }
    }

    @Test
    void theSegmentsAreInFlightAtOnceOnTheirOwnConnections() throws Exception {
        // Each segment's answer waits until all four have been asked for: only four
        // connections in flight together can finish.
        CountDownLatch allAsked = new CountDownLatch(4);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            long first = Long.parseLong(range.substring(6, range.indexOf('-')));
            long last = Long.parseLong(range.substring(range.indexOf('-') + 1));
            if (last != 0) {
                allAsked.countDown();
                r.stallUntil(allAsked);
            }
            r.send(Responses.head(206, "Content-Length: " + (last - first + 1), "ETag: \"e1\"",
                    "Content-Range: bytes " + first + "-" + last + "/" + SIZE)).sendPattern(first, last - first + 1);
        }))) {
            Report report = Downloader.builder(client).directory(dir).segments(4).build()
                    .run(List.of(DownloadJob.of(server.uri("/seg.bin"))));
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            byte[] got = Files.readAllBytes(dir.resolve("seg.bin"));
            assertThat(got).hasSize((int) SIZE);
            PatternBytes.verify(got, 0, got.length, 0);
            assertThat(server.requests()).hasSize(5);
            // Four threads add to the byte count at once; none of their additions may be lost.
            assertThat(report.totalBytes()).isEqualTo(SIZE);
            assertThat(server.requests()).filteredOn(q -> !q.header("Range").equals("bytes=0-0"))
                    .allMatch(q -> "\"e1\"".equals(q.header("If-Range")));
            assertThat(server.connectionCount()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void aServerWithoutRangesIsDownloadedInOneStream() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(0, SIZE)))) {
            Report report = Downloader.builder(client).directory(dir).segments(4).build()
                    .run(List.of(DownloadJob.of(server.uri("/plain.bin"))));
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            byte[] got = Files.readAllBytes(dir.resolve("plain.bin"));
            assertThat(got).hasSize((int) SIZE);
            PatternBytes.verify(got, 0, got.length, 0);
            assertThat(server.requests()).hasSize(1); // the probe, answered 200: that is the one stream
        }
    }
}
