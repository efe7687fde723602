package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Listing;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A probe answered "bytes 0-0/CLAIMED" by a server whose file is smaller: the segments past the
 * real end get 416, the first one a range of another length. Either answer says the ranges the
 * probe promised cannot be had, so the file comes in one stream in the same attempt, whichever
 * segment is answered first, and no part of the claimed size is left behind.
 */
class SegmentRangeNotSatisfiableTest {
    private static final long CLAIMED = 16L << 20;
    /** Less than a quarter of the claim: with four segments, all but the first start past it. */
    private static final long REAL = (3L << 20) + 12_345;
    private static final String PROBE = "bytes=0-0";
    private static final String FIRST_SEGMENT = "bytes=0-" + (CLAIMED / 4 - 1);

    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static String probeAnswer() {
        return Responses.head(206, "Content-Range: bytes 0-0/" + CLAIMED, "Content-Length: 1", "ETag: \"v1\"") + "x";
    }

    /** The first segment's answer: its range as far as the file goes, under the real length. */
    private static String shortRangeHead() {
        return Responses.head(206, "Content-Range: bytes 0-" + (REAL - 1) + "/" + REAL, "Content-Length: " + REAL,
                "ETag: \"v1\"");
    }

    private static String notSatisfiable(String... more) {
        String[] lines = new String[more.length + 3];
        lines[0] = "Content-Range: bytes */" + REAL;
        lines[1] = "Content-Length: 0";
        lines[2] = "ETag: \"v1\"";
        System.arraycopy(more, 0, lines, 3, more.length);
        return Responses.head(416, lines);
    }

    private static String wholeFileHead() {
        return Responses.head(200, "Content-Length: " + REAL, "ETag: \"v1\"");
    }

    private Report download(ScriptedServer server) throws InterruptedException {
        return Downloader.builder(client).directory(dir).segments(4).retryPolicy(RetryPolicy.of(1)).sleeper(d -> { })
                .build().run(List.of(DownloadJob.of(server.uri("/f.bin"))));
    }

    private void assertFetchedInOneStream(Report report, ScriptedServer server) throws IOException {
        Report.Item item = report.items().get(0);
        assertThat(item.ok()).as("%s", report.toJson()).isTrue();
        assertThat(item.attempts()).isEqualTo(1);
        assertThat(item.httpStatus()).isEqualTo(200);
        byte[] got = Files.readAllBytes(dir.resolve("f.bin"));
        assertThat(got).hasSize((int) REAL);
        PatternBytes.verify(got, 0, got.length, 0);
        assertThat(Listing.filesIn(dir)).containsExactly("f.bin");
        List<RecordedRequest> requests = server.requests();
        assertThat(requests).filteredOn(q -> PROBE.equals(q.header("Range"))).hasSize(1);
        assertThat(requests.getLast().header("Range")).isNull();
    }

    @Test
    void aLaterSegmentsRangeNotSatisfiableAnsweredFirstFallsBackToOneStream() throws Exception {
        // The first segment is answered only once the client has dealt with a 416 (and closed
        // its connection, as "Connection: close" asks): the 416 is what the run sees first.
        CountDownLatch refused = new CountDownLatch(1);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            if (range == null) {
                r.send(wholeFileHead()).sendPattern(0, REAL);
            } else if (range.equals(PROBE)) {
                r.send(probeAnswer());
            } else if (range.equals(FIRST_SEGMENT)) {
                r.stallUntil(refused).send(shortRangeHead()).awaitClientClose();
            } else {
                r.send(notSatisfiable("Connection: close")).awaitClientClose().signal(refused);
            }
        }))) {
            assertFetchedInOneStream(download(server), server);
        }
    }

    @Test
    void theFirstSegmentsShortRangeAnsweredFirstFallsBackToOneStream() throws Exception {
        // The 416s are sent only once the client has closed the first segment's connection.
        CountDownLatch shortRangeSeen = new CountDownLatch(1);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            if (range == null) {
                r.send(wholeFileHead()).sendPattern(0, REAL);
            } else if (range.equals(PROBE)) {
                r.send(probeAnswer());
            } else if (range.equals(FIRST_SEGMENT)) {
                r.send(shortRangeHead()).awaitClientClose().signal(shortRangeSeen);
            } else {
                r.stallUntil(shortRangeSeen).send(notSatisfiable());
            }
        }))) {
            assertFetchedInOneStream(download(server), server);
        }
    }

    @Test
    void segmentsAllRefusedLeaveNoPartOfTheClaimedSizeWhenTheWholeFileFailsToo() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            if (range == null) {
                r.send(Responses.status(500, ""));
            } else if (range.equals(PROBE)) {
                r.send(probeAnswer());
            } else {
                r.send(notSatisfiable());
            }
        }))) {
            Report report = Downloader.builder(client).directory(dir).segments(4).retryPolicy(RetryPolicy.of(0))
                    .build().run(List.of(DownloadJob.of(server.uri("/f.bin"))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            // The failure is the one stream's, not a segment's 416.
            assertThat(item.httpStatus()).as("%s", report.toJson()).isEqualTo(500);
            assertThat(server.requests().getLast().header("Range")).isNull();
            // No preallocated part of the claimed size, nor its segments record, for a later --continue.
            assertThat(Listing.filesIn(dir)).doesNotContain("f.bin", "f.bin.part");
        }
    }
}
