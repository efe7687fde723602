package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With segments asked for, a file that cannot come in ranges still comes, in one stream: an
 * empty file whose server refuses the probe's byte 0, a server that stops honouring ranges
 * after the probe, a server that ignores the probe's range.
 */
class SegmentedFallbackTest {
    private static final long SIZE = 4L << 20;
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

    @Test
    void anEmptyFileWhoseServerAnswersTheProbeWith416IsFetchedInOneStream() throws Exception {
        // RFC 9110 §14.1.1: bytes=0-0 of an empty file is unsatisfiable (S3 answers so).
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.header("Range") != null
                ? Responses.head(416, "Content-Range: bytes */0", "Content-Length: 0")
                : Responses.head(200, "Content-Length: 0", "ETag: \"e\""))))) {
            Report report = Downloader.builder(client).directory(dir).segments(4).sleeper(d -> { }).build()
                    .run(List.of(DownloadJob.of(server.uri("/empty.bin"))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.httpStatus()).isEqualTo(200);
            assertThat(Files.size(dir.resolve("empty.bin"))).isZero();
            assertThat(server.requests()).extracting(SegmentedFallbackTest::range).containsExactly("bytes=0-0", null);
        }
    }

    /** The probe gets its range; every later request, with Range or not, the whole file with a 200. */
    private static ScriptedServer rangesOnlyForTheProbe() throws Exception {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if ("bytes=0-0".equals(req.header("Range"))) {
                r.send(Responses.head(206, "Content-Range: bytes 0-0/" + SIZE, "Content-Length: 1", "ETag: \"e1\""))
                        .sendPattern(0, 1);
            } else if (req.header("Range") != null) {
                // The client reads the head, sees no range, and closes: nothing more to send.
                r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: \"e1\"")).awaitClientClose();
            } else {
                r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: \"e1\"")).sendPattern(0, SIZE);
            }
        }));
    }

    @Test
    void segmentsAnsweredWithTheWholeFileAreFetchedInOneStreamWithoutANewProbe() throws Exception {
        try (var server = rangesOnlyForTheProbe()) {
            Report report = Downloader.builder(client).directory(dir).segments(2).sleeper(d -> { }).build()
                    .run(List.of(DownloadJob.of(server.uri("/big.bin"))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            // In the same attempt: ranges that stop working are no failure to retry.
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.httpStatus()).isEqualTo(200);
            byte[] got = Files.readAllBytes(dir.resolve("big.bin"));
            assertThat(got).hasSize((int) SIZE);
            PatternBytes.verify(got, 0, got.length, 0);
            List<RecordedRequest> requests = server.requests();
            assertThat(requests).filteredOn(q -> "bytes=0-0".equals(range(q))).hasSize(1);
            assertThat(range(requests.getLast())).isNull();
        }
    }

    @Test
    void aSegmentThatFailsIsTheStatusTheReportNames() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send("bytes=0-0".equals(req.header("Range"))
                ? Responses.head(206, "Content-Range: bytes 0-0/" + SIZE, "Content-Length: 1", "ETag: \"e1\"") + "x"
                : Responses.head(503, "Content-Length: 0"))))) {
            Report report = Downloader.builder(client).directory(dir).segments(2).retryPolicy(RetryPolicy.of(0))
                    .build().run(List.of(DownloadJob.of(server.uri("/big.bin"))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.error().kind()).isEqualTo("http");
            // The response that failed, not the probe's 206.
            assertThat(item.httpStatus()).isEqualTo(503);
        }
    }

    @Test
    void aWholeFileSentToTheProbeIsSavedWithoutAskingAgain() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + SIZE, "ETag: \"e1\"")).sendPattern(0, SIZE)))) {
            Report report = Downloader.builder(client).directory(dir).segments(4).build()
                    .run(List.of(new DownloadJob(server.uri("/whole.bin"), null,
                            Optional.of(Checksum.parse("sha256=" + PatternBytes.sha256Hex(0, SIZE))))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).httpStatus()).isEqualTo(200);
            assertThat(Files.size(dir.resolve("whole.bin"))).isEqualTo(SIZE);
            assertThat(server.requests()).extracting(SegmentedFallbackTest::range).containsExactly("bytes=0-0");
        }
    }
}
