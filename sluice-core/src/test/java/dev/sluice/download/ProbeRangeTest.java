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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The -s probe asks for byte 0 alone. A 206 with all of the file instead is the download, as a
 * 200 would be; a consistent 206 of more from byte 0 means one stream; a 206 of a range not
 * from byte 0, one whose Content-Length contradicts its range, or one byte with more body, is
 * a protocol error that is retried, never a local error that fails the job at once.
 */
class ProbeRangeTest {
    private static final int SIZE = 3 << 20;
    private static final String ETAG = "\"p1\"";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Report run(ScriptedServer server, int retries) throws InterruptedException {
        return Downloader.builder(client).directory(dir).segments(2).retryPolicy(RetryPolicy.of(retries))
                .sleeper(d -> { }).build().run(List.of(DownloadJob.of(server.uri("/f.bin"))));
    }

    private void assertWholeFile() throws Exception {
        byte[] got = Files.readAllBytes(dir.resolve("f.bin"));
        assertThat(got).hasSize(SIZE);
        PatternBytes.verify(got, 0, got.length, 0);
    }

    /**
     * Answers every range as asked, but the probes that {@code odd} picks (counting from 1) with a
     * 206 of {@code oddRange} and a body of {@code oddBytes}.
     */
    private static ScriptedServer probesAnsweredWith(IntPredicate odd, String oddRange, int oddBytes)
            throws Exception {
        AtomicInteger probes = new AtomicInteger();
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.header("Range") == null) {
                r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: " + ETAG)).sendPattern(0, SIZE);
                return;
            }
            Matcher m = RANGE.matcher(req.header("Range"));
            assertThat(m.matches()).as(req.header("Range")).isTrue();
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            if (last == 0 && odd.test(probes.incrementAndGet())) {
                r.send(Responses.head(206, "Content-Range: " + oddRange, "Content-Length: " + oddBytes, "ETag: " + ETAG))
                        .sendPattern(0, oddBytes);
                return;
            }
            r.send(Responses.head(206, "Content-Range: bytes " + first + "-" + last + "/" + SIZE,
                    "Content-Length: " + (last - first + 1), "ETag: " + ETAG)).sendPattern(first, last - first + 1);
        }));
    }

    @Test
    void aWholeFileAnsweringTheProbeIsTheDownload() throws Exception {
        try (var server = probesAnsweredWith(n -> true, "bytes 0-" + (SIZE - 1) + "/" + SIZE, SIZE)) {
            Report report = run(server, 0);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.httpStatus()).isEqualTo(206);
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly("bytes=0-0");
            assertWholeFile();
        }
    }

    @Test
    void aProbeAnsweredWithMoreThanByteZeroButNotAllIsReadInOneStream() throws Exception {
        // A server that sends no less than 100 bytes would answer every probe so: no error, no retry.
        try (var server = probesAnsweredWith(n -> true, "bytes 0-99/" + SIZE, 100)) {
            Report report = run(server, 1);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly("bytes=0-0", null);
            assertWholeFile();
        }
    }

    @Test
    void aProbeRangeFromByteZeroWithAContentLengthThatContradictsItIsAProtocolError() throws Exception {
        try (var server = probesAnsweredWith(n -> true, "bytes 0-99/" + SIZE, 50)) {
            Report report = run(server, 0);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.httpStatus()).isEqualTo(206);
            assertThat(item.error().kind()).isEqualTo("protocol");
            assertThat(item.error().message()).startsWith(server.uri("/f.bin").toString());
        }
    }

    @Test
    void aProbeAnsweredWithARangeNotFromByteZeroIsAProtocolError() throws Exception {
        try (var server = probesAnsweredWith(n -> true, "bytes 5-99/" + SIZE, 95)) {
            Report report = run(server, 0);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.httpStatus()).isEqualTo(206);
            assertThat(item.error().kind()).isEqualTo("protocol");
            assertThat(item.error().message()).startsWith(server.uri("/f.bin").toString()).contains("bytes 5-99/" + SIZE);
        }
    }

    @Test
    void aProbeAnsweredWithAnotherRangeIsRetried() throws Exception {
        try (var server = probesAnsweredWith(n -> n == 1, "bytes 5-99/" + SIZE, 95)) {
            Report report = run(server, 1);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(2);
            assertWholeFile();
        }
    }

    @Test
    void aProbesOneByteRangeWithALongerBodyIsAProtocolError() throws Exception {
        try (var server = probesAnsweredWith(n -> true, "bytes 0-0/" + SIZE, 100)) {
            Report report = run(server, 0);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.httpStatus()).isEqualTo(206);
            assertThat(item.error().kind()).isEqualTo("protocol");
        }
    }
}
