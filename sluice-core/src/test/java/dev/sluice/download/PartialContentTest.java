package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 206 is appended to the part file only when its Content-Range is the rest of the file the
 * part holds the start of (RFC 9110 §14.4, §15.3.7); anything else is a protocol error and
 * leaves no file at the final path.
 */
class PartialContentTest {
    private static final int LENGTH = 10_240;
    private static final int CUT = 4000;
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Report runOnce(ScriptedServer server, int retries) throws InterruptedException {
        return Downloader.builder(client).directory(dir).sleeper(d -> { }).retryPolicy(RetryPolicy.of(retries)).build()
                .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));
    }

    /** A first answer of the whole file under ETag "v1", cut after {@link #CUT} bytes; then {@code retry}. */
    private static ScriptedServer cutThen(String retryHead, int retryBodyBytes) throws IOException {
        return ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest()
                        .send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"v1\"")).sendPattern(CUT).close())
                .onEveryConnection(c -> c.expectRequest().send(retryHead).sendPattern(CUT, retryBodyBytes).close()));
    }

    private List<String> filesIn() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void assertProtocolFailureWithoutFile(Report report, String... messageParts) throws IOException {
        Report.Item item = report.items().get(0);
        assertThat(item.ok()).as("%s", report.toJson()).isFalse();
        assertThat(item.error().kind()).isEqualTo("protocol");
        assertThat(item.error().message()).contains("/file.bin").contains(messageParts);
        assertThat(filesIn()).doesNotContain("file.bin");
    }

    @Test
    void aRangeThatEndsBeforeTheFileDoesIsRejected() throws Exception {
        try (var server = cutThen(Responses.head(206, "Content-Length: 100", "ETag: \"v1\"",
                "Content-Range: bytes 4000-4099/" + LENGTH), 100)) {
            Report report = runOnce(server, 1);

            assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=4000-");
            assertProtocolFailureWithoutFile(report, "ends at byte 4099 of a file of 10240 bytes");
        }
    }

    @Test
    void aRangeOfAFileOfAnotherLengthIsRejected() throws Exception {
        try (var server = cutThen(Responses.head(206, "Content-Length: " + (LENGTH - CUT), "ETag: \"v1\"",
                "Content-Range: bytes 4000-10239/99999"), LENGTH - CUT)) {
            Report report = runOnce(server, 1);

            assertProtocolFailureWithoutFile(report, "99999");
        }
    }

    @Test
    void aRangeThatStartsElsewhereIsRejected() throws Exception {
        try (var server = cutThen(Responses.head(206, "Content-Length: " + (LENGTH - 3000), "ETag: \"v1\"",
                "Content-Range: bytes 3000-10239/" + LENGTH), LENGTH - 3000)) {
            Report report = runOnce(server, 1);

            assertProtocolFailureWithoutFile(report, "starts at byte 3000");
        }
    }

    @Test
    void aContentLengthThatIsNotTheRangesLengthIsRejected() throws Exception {
        try (var server = cutThen(Responses.head(206, "Content-Length: 100", "ETag: \"v1\"",
                "Content-Range: bytes 4000-10239/" + LENGTH), 100)) {
            Report report = runOnce(server, 1);

            assertProtocolFailureWithoutFile(report, "Content-Length 100");
        }
    }

    @Test
    void aChunkedRangeBodyThatEndsShortIsNotTakenForTheWholeFile() throws Exception {
        String chunked = Responses.head(206, "Transfer-Encoding: chunked", "ETag: \"v1\"",
                "Content-Range: bytes 4000-10239/" + LENGTH) + "64\r\n" + "x".repeat(100) + "\r\n0\r\n\r\n";
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest()
                        .send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"v1\"")).sendPattern(CUT).close())
                .onEveryConnection(c -> c.expectRequest().send(chunked).close()))) {
            Report report = runOnce(server, 1);

            assertProtocolFailureWithoutFile(report, "ended at byte 4100 of 10240");
        }
    }

    @Test
    void aRangeOfUnknownCompleteLengthMustReachTheKnownEnd() throws Exception {
        try (var server = cutThen(Responses.head(206, "Content-Length: 100", "ETag: \"v1\"",
                "Content-Range: bytes 4000-4099/*"), 100)) {
            Report report = runOnce(server, 1);

            assertProtocolFailureWithoutFile(report, "ends at byte 4099");
        }
    }

    @Test
    void aRangeOfUnknownCompleteLengthThatReachesTheKnownEndIsResumed() throws Exception {
        try (var server = cutThen(Responses.head(206, "Content-Length: " + (LENGTH - CUT), "ETag: \"v1\"",
                "Content-Range: bytes 4000-10239/*"), LENGTH - CUT)) {
            Report report = runOnce(server, 1);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }

    @Test
    void aRangeOfUnknownCompleteLengthIsNotTakenForTheEndOfAFileOfUnknownLength() throws Exception {
        // Neither answer says how long the file is: "*" is "unknown", not "it ends here".
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest()
                        .send(Responses.head(200, "Transfer-Encoding: chunked", "ETag: \"v1\"") + Integer.toHexString(CUT) + "\r\n")
                        .sendPattern(CUT).send("\r\n").close())
                .onEveryConnection(c -> c.expectRequest().send(Responses.head(206, "Content-Length: 1000", "ETag: \"v1\"",
                        "Content-Range: bytes 4000-4999/*")).sendPattern(CUT, 1000).close()))) {
            Report report = runOnce(server, 1);

            assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=4000-");
            assertProtocolFailureWithoutFile(report, "bytes 4000-4999/*");
            assertThat(filesIn()).isEmpty();
        }
    }

    @Test
    void aPartialAnswerToARequestWithoutRangeIsRejected() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(206, "Content-Length: 100", "Content-Range: bytes 0-99/" + LENGTH))
                .sendPattern(0, 100)))) {
            Report report = runOnce(server, 0);

            assertThat(server.requests().get(0).header("Range")).isNull();
            assertProtocolFailureWithoutFile(report, "206 Partial Content to a request without Range");
        }
    }

    @Test
    void continuingAPartFileRejectsARangeShorterThanTheRest() throws Exception {
        Path part = dir.resolve("file.bin.part");
        Files.write(part, PatternBytes.bytes(0, CUT));
        storeValidator(part, "\"v1\"");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(206, "Content-Length: 100", "ETag: \"v1\"", "Content-Range: bytes 4000-4099/" + LENGTH))
                .sendPattern(CUT, 100)))) {
            Report report = Downloader.builder(client).directory(dir).retryPolicy(RetryPolicy.of(0)).resume(true).build()
                    .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));

            assertThat(server.requests().get(0).header("If-Range")).isEqualTo("\"v1\"");
            assertProtocolFailureWithoutFile(report, "ends at byte 4099");
        }
    }

    @Test
    void aRangeUnderAnotherEntityTagThanTheOneAskedForIsRejected() throws Exception {
        try (var server = cutThen(Responses.head(206, "Content-Length: " + (LENGTH - CUT), "ETag: \"v2\"",
                "Content-Range: bytes 4000-10239/" + LENGTH), LENGTH - CUT)) {
            Report report = runOnce(server, 1);

            assertProtocolFailureWithoutFile(report, "ETag \"v2\" to If-Range: \"v1\"");
        }
    }

    @Test
    void withoutAnotherAttemptAWrongRangeDoesNotClaimToStartOver() throws Exception {
        try (var server = cutThen(Responses.head(206, "Content-Length: 100", "ETag: \"v1\"",
                "Content-Range: bytes 4000-4099/" + LENGTH), 100)) {
            Report report = runOnce(server, 1);

            assertThat(report.items().get(0).error().message()).doesNotContain("starting over")
                    .endsWith("the part file was deleted");
            assertThat(filesIn()).isEmpty();
        }
    }

    @Test
    void withAnotherAttemptAWrongRangeStartsOverFromByteZero() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest()
                        .send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"v1\"")).sendPattern(CUT).close())
                .onConnection(1, c -> c.expectRequest()
                        .send(Responses.head(206, "Content-Length: 100", "ETag: \"v1\"",
                                "Content-Range: bytes 4000-4099/" + LENGTH)).sendPattern(CUT, 100).close())
                .onEveryConnection(c -> c.expectRequest()
                        .send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"v1\"")).sendPattern(LENGTH)))) {
            Report report = runOnce(server, 2);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests().get(2).header("Range")).isNull();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }

    @Test
    void aFourSixteenThatDoesNotConfirmTheWholeFileDoesNotClaimToStartOverOnTheLastAttempt() throws Exception {
        try (var server = cutThen(Responses.status(416, "", "Content-Range: bytes */5000"), 0)) {
            Report report = runOnce(server, 1);

            assertThat(report.items().get(0).error().message()).contains("416").doesNotContain("starting over");
            assertThat(filesIn()).isEmpty();
        }
    }

    /** Stores the validator as an earlier run would have; skips where extended attributes are not kept. */
    static void storeValidator(Path part, String validator) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
        assumeTrue(view != null, "no extended attributes here");
        try {
            view.write("sluice.validator", ByteBuffer.wrap(validator.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no extended attributes here: " + e);
        }
    }
}
