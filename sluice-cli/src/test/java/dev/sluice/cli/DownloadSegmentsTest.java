package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.Listing;
import dev.sluice.testkit.Nginx;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -s N}: one file as N byte ranges over N connections, when the server can. */
class DownloadSegmentsTest {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final int SIZE = 4 << 20;

    @TempDir
    Path dir;

    /**
     * Serves SIZE pattern bytes under {@code validatorLine}, honouring {@code Range: bytes=A-B}
     * and {@code bytes=A-}.
     */
    private static ScriptedServer rangeServer(String validatorLine) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            Matcher m = req.header("Range") == null ? null : RANGE.matcher(req.header("Range"));
            if (m == null || !m.matches()) {
                r.send(Responses.head(200, "Content-Length: " + SIZE, "Accept-Ranges: bytes", validatorLine)).sendPattern(SIZE);
                return;
            }
            long from = Long.parseLong(m.group(1));
            long to = m.group(2).isEmpty() ? SIZE - 1 : Math.min(SIZE - 1, Long.parseLong(m.group(2)));
            r.send(Responses.head(206, "Content-Length: " + (to - from + 1), validatorLine,
                    "Content-Range: bytes " + from + "-" + to + "/" + SIZE)).sendPattern(from, to - from + 1);
        }));
    }

    @Test
    void aLargeFileArrivesWholeOverFourRangesWithItsChecksum() throws IOException {
        try (var server = rangeServer("ETag: \"v1\"")) {
            Cli.Result result = Cli.run("download", server.uri("/big.bin").toString(), "-d", dir.toString(), "-s", "4",
                    "--checksum", "sha256=" + PatternBytes.sha256Hex(0, SIZE));

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
            assertThat(Listing.filesIn(dir)).containsExactly("big.bin");
            // A probe for the first byte, then one request per range.
            assertThat(server.requests()).extracting(req -> req.header("Range"))
                    .contains("bytes=0-0").hasSize(5).doesNotContainNull();
            assertThat(server.connectionCount()).isGreaterThan(1);
            assertThat(result.stdoutText()).startsWith(dir.resolve("big.bin") + "  " + SIZE + " bytes  ");
        }
    }

    @Test
    void aFileWithoutAStrongValidatorIsFetchedInOneStreamAfterTheProbe() throws IOException {
        try (var server = rangeServer("ETag: W/\"v1\"")) {
            Cli.Result result = Cli.run("download", server.uri("/big.bin").toString(), "-d", dir.toString(), "-s", "4");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
            // Ranges of a version the server cannot name could be pieces of different versions.
            assertThat(server.requests()).extracting(req -> req.header("Range")).containsExactly("bytes=0-0", null);
        }
    }

    @Test
    void aServerWithoutRangesIsSavedFromItsAnswerToTheProbe() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(SIZE)))) {
            Cli.Result result = Cli.run("download", server.uri("/big.bin").toString(), "-d", dir.toString(), "-s", "4");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
            // The 200 to the probe is the whole file: it is saved, not asked for again.
            assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/big.bin");
        }
    }

    /**
     * Answers the probe with byte 0 of a file of 2^63-1 bytes, and a request without Range with
     * SIZE bytes under a Content-Length of {@code contentLength}, the connection closed there.
     */
    private static ScriptedServer claimingTheLargestLong(long contentLength) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if ("bytes=0-0".equals(req.header("Range"))) {
                r.send(Responses.head(206, "Content-Range: bytes 0-0/" + Long.MAX_VALUE, "Content-Length: 1",
                        "ETag: \"v1\"")).sendPattern(0, 1);
            } else {
                r.send(Responses.head(200, "Content-Length: " + contentLength, "ETag: \"v1\"")).sendPattern(SIZE).close();
            }
        }));
    }

    @Test
    void aProbeClaimingAFileNoDiskHoldsIsAnsweredByOneStream() throws IOException {
        try (var server = claimingTheLargestLong(SIZE)) {
            Cli.Result result = Cli.run("download", server.uri("/big.bin").toString(), "-d", dir.toString(), "-s", "4");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
            assertThat(Listing.filesIn(dir)).containsExactly("big.bin");
            assertThat(server.requests()).extracting(req -> req.header("Range")).containsExactly("bytes=0-0", null);
        }
    }

    @Test
    void aClaimedSizeThatTheBodyDoesNotReachIsAProtocolErrorNotALocalOne() throws IOException {
        try (var server = claimingTheLargestLong(Long.MAX_VALUE)) {
            String url = server.uri("/big.bin").toString();
            Cli.Result result = Cli.run("download", url, "-d", dir.toString(), "-s", "4", "--retries", "0");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(6);
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + url + ": body ended after " + SIZE + " of " + Long.MAX_VALUE + " bytes");
            // What arrived stays for -c, as one stream's part: no record of segments claims more.
            Path part = dir.resolve("big.bin.part");
            assertThat(Files.readAllBytes(part)).isEqualTo(PatternBytes.bytes(0, SIZE));
            UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
            assertThat(view.list()).doesNotContain("sluice.segments");
        }
    }

    @Test
    void aProbeClaimingMoreThanTheFileIsAnsweredByOneStreamWhenARangePastItsEndIsRefusedFirst() throws IOException {
        long claimed = 4L * SIZE;
        // Every range but the first starts past the real end: 416. The first range is answered
        // (with the real, shorter length) only once the client has closed a 416's connection.
        CountDownLatch refused = new CountDownLatch(1);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            if (range == null) {
                r.send(Responses.head(200, "Content-Length: " + SIZE, "ETag: \"v1\"")).sendPattern(SIZE);
            } else if (range.equals("bytes=0-0")) {
                r.send(Responses.head(206, "Content-Range: bytes 0-0/" + claimed, "Content-Length: 1", "ETag: \"v1\"")
                        + "x");
            } else if (range.startsWith("bytes=0-")) {
                r.stallUntil(refused).send(Responses.head(206, "Content-Range: bytes 0-" + (SIZE - 1) + "/" + SIZE,
                        "Content-Length: " + SIZE, "ETag: \"v1\"")).awaitClientClose();
            } else {
                r.send(Responses.head(416, "Content-Range: bytes */" + SIZE, "Content-Length: 0", "ETag: \"v1\"",
                        "Connection: close")).awaitClientClose().signal(refused);
            }
        }))) {
            Cli.Result result = Cli.run("download", "-q", server.uri("/big.bin").toString(), "-d", dir.toString(),
                    "-s", "4", "--retries", "1");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
            assertThat(Listing.filesIn(dir)).containsExactly("big.bin");
            assertThat(server.requests().getLast().header("Range")).isNull();
        }
    }

    @Test
    @Tag("interop")
    void nginxServesAFileInRangesAndResumesAPartFile() throws IOException {
        assumeTrue(Nginx.isAvailable(), "nginx not installed; run scripts/ensure-nginx.sh");
        try (Nginx nginx = Nginx.start()) {
            PatternBytes.writeFile(nginx.root().resolve("big.bin"), SIZE);
            PatternBytes.writeFile(nginx.root().resolve("small.bin"), 300_000);
            Cli.Result segmented = Cli.run("download", nginx.uri("/big.bin").toString(), "-d", dir.toString(), "-s", "4");
            // An earlier run of small.bin stopped after 100,000 bytes under nginx's ETag, which
            // it kept in an extended attribute of the part file.
            Path part = Files.write(dir.resolve("small.bin.part"), PatternBytes.bytes(0, 100_000));
            String etag;
            try (Client client = Client.newClient();
                 Response head = client.send(Request.head(nginx.uri("/small.bin").toString()))) {
                etag = head.headers().first("ETag").orElseThrow();
            }
            UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
            assumeTrue(view != null, "no extended attributes here");
            view.write("sluice.validator", ByteBuffer.wrap(etag.getBytes(StandardCharsets.ISO_8859_1)));
            Cli.Result resumed = Cli.run("download", nginx.uri("/small.bin").toString(), "-d", dir.toString(), "-c");

            assertThat(segmented.exitCode()).as(segmented.toString()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
            assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("small.bin"))).isEqualTo(PatternBytes.bytes(0, 300_000));
            assertThat(nginx.awaitAccessLog(7, Duration.ofSeconds(10))).filteredOn(e -> e.request().startsWith("GET /small.bin"))
                    .singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(206));
        }
    }
}
