package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.Headers;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * A part file is continued only under a strong validator sent in If-Range (RFC 9110 §13.1.5):
 * without one, the server cannot say whether the rest is of the same version of the file, so
 * the download starts over from byte 0 rather than splice two versions.
 */
class ResumeValidatorTest {
    private static final int LENGTH = 10_000;
    private static final int CUT = 4000;
    private static final String LAST_MODIFIED = "Last-Modified: Mon, 02 Jun 2025 10:00:00 GMT";
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static String filled(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    /**
     * Version A of the file, under {@code validatorLines}, cut after {@link #CUT} bytes; then
     * version B: a 206 of its rest to a Range request (as a server that ignores If-Range would
     * send), else all of it.
     */
    private static ScriptedServer changingServer(String... validatorLines) throws IOException {
        String[] firstHead = concat(validatorLines, "Content-Length: " + LENGTH);
        return ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, firstHead)).send(filled('A', CUT)).close())
                .onEveryRequest((req, r) -> {
                    if (req.header("Range") != null) {
                        r.send(Responses.head(206, "Content-Length: " + (LENGTH - CUT),
                                "Content-Range: bytes " + CUT + "-" + (LENGTH - 1) + "/" + LENGTH)).send(filled('B', LENGTH - CUT));
                    } else {
                        r.send(Responses.head(200, "Content-Length: " + LENGTH)).send(filled('B', LENGTH));
                    }
                }));
    }

    private static String[] concat(String[] lines, String line) {
        String[] all = Arrays.copyOf(lines, lines.length + 1);
        all[lines.length] = line;
        return all;
    }

    private Report run(ScriptedServer server) throws InterruptedException {
        return Downloader.builder(client).directory(dir).sleeper(d -> { }).build()
                .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));
    }

    private void assertWholeVersionB(Report report) throws IOException {
        assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
        assertThat(Files.readString(dir.resolve("file.bin"))).isEqualTo(filled('B', LENGTH));
    }

    @Test
    void aRetryWithoutAValidatorStartsOverInsteadOfSplicingTwoVersions() throws Exception {
        try (var server = changingServer()) {
            Report report = run(server);

            RecordedRequest retry = server.requests().get(1);
            assertThat(retry.header("Range")).isNull();
            assertThat(retry.header("If-Range")).isNull();
            assertWholeVersionB(report);
        }
    }

    @Test
    void aWeakEntityTagIsNoValidatorAndKeepsTheDateOutOfIfRangeToo() throws Exception {
        try (var server = changingServer("ETag: W/\"a\"", LAST_MODIFIED, "Date: Tue, 03 Jun 2025 10:00:00 GMT")) {
            Report report = run(server);

            assertThat(server.requests().get(1).header("Range")).isNull();
            assertWholeVersionB(report);
        }
    }

    @Test
    void aLastModifiedDateWithoutALaterDateIsNoValidator() throws Exception {
        try (var server = changingServer(LAST_MODIFIED, "Date: Mon, 02 Jun 2025 10:00:00 GMT")) {
            Report report = run(server);

            assertThat(server.requests().get(1).header("Range")).isNull();
            assertWholeVersionB(report);
        }
    }

    @Test
    void aLastModifiedDateAtLeastASecondBeforeTheDateGoesInIfRange() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, "Content-Length: " + LENGTH, LAST_MODIFIED,
                        "Date: Mon, 02 Jun 2025 10:00:01 GMT")).send(filled('A', CUT)).close())
                .onEveryRequest((req, r) -> r.send(Responses.head(206, "Content-Length: " + (LENGTH - CUT),
                        "Content-Range: bytes " + CUT + "-" + (LENGTH - 1) + "/" + LENGTH)).send(filled('A', LENGTH - CUT))))) {
            Report report = run(server);

            RecordedRequest retry = server.requests().get(1);
            assertThat(retry.header("Range")).isEqualTo("bytes=" + CUT + "-");
            assertThat(retry.header("If-Range")).isEqualTo("Mon, 02 Jun 2025 10:00:00 GMT");
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readString(dir.resolve("file.bin"))).isEqualTo(filled('A', LENGTH));
        }
    }

    /**
     * Version A under a strong Last-Modified date, cut after {@link #CUT} bytes; then a 206 of
     * version B's rest under {@code rangeValidatorLine} (a server that ignores If-Range); then,
     * to a request without Range, all of version B.
     */
    private static ScriptedServer dateThenIgnoredIfRange(String rangeValidatorLine) throws IOException {
        return ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, "Content-Length: " + LENGTH, LAST_MODIFIED,
                        "Date: Mon, 02 Jun 2025 10:00:01 GMT")).send(filled('A', CUT)).close())
                .onEveryRequest((req, r) -> {
                    if (req.header("Range") != null) {
                        r.send(Responses.head(206, rangeValidatorLine, "Content-Length: " + (LENGTH - CUT),
                                "Content-Range: bytes " + CUT + "-" + (LENGTH - 1) + "/" + LENGTH)).send(filled('B', LENGTH - CUT));
                    } else {
                        r.send(Responses.head(200, "Content-Length: " + LENGTH)).send(filled('B', LENGTH));
                    }
                }));
    }

    @Test
    void aRangeUnderAnotherLastModifiedDateThanTheIfRangeDateStartsOver() throws Exception {
        try (var server = dateThenIgnoredIfRange("Last-Modified: Tue, 03 Jun 2025 09:00:00 GMT")) {
            Report report = run(server);

            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly(null, "bytes=" + CUT + "-", null);
            assertWholeVersionB(report);
        }
    }

    @Test
    void aRangeWithAnEntityTagToAPartFetchedWithoutOneStartsOver() throws Exception {
        try (var server = dateThenIgnoredIfRange("ETag: \"b\"")) {
            Report report = run(server);

            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly(null, "bytes=" + CUT + "-", null);
            assertWholeVersionB(report);
        }
    }

    @Test
    void aFinishedFileKeepsNoneOfThePartsAttributes() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"a\"")).send(filled('A', LENGTH))))) {
            Report report = run(server);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            // The URL stays: it says whose download the file is (see ServerChosenNameRerunTest).
            assertThat(SegmentedIntegrityTest.attributesOf(dir.resolve("file.bin")).keySet())
                    .noneMatch(name -> name.startsWith("sluice.") && !name.equals(PartFile.URL_ATTRIBUTE));
        }
    }

    @Test
    void aBodyTheClientDecodedIsNeverResumedByRange() throws Exception {
        // The server compresses although asked not to, and the test's Client, a default one,
        // undoes it: the part holds decoded bytes, while a Range would count compressed ones.
        byte[] file = PatternBytes.bytes(0, LENGTH);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
            gz.write(file);
        }
        byte[] gzip = compressed.toByteArray();
        int cut = gzip.length / 2;
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, "Content-Length: " + gzip.length,
                        "Content-Encoding: gzip", "ETag: \"g\"")).send(Arrays.copyOf(gzip, cut)).close())
                .onEveryRequest((req, r) -> {
                    if (req.header("Range") != null) {
                        long from = Long.parseLong(req.header("Range").replaceAll("\\D", ""));
                        r.send(Responses.head(206, "Content-Length: " + (gzip.length - from), "Content-Encoding: gzip",
                                "ETag: \"g\"", "Content-Range: bytes " + from + "-" + (gzip.length - 1) + "/" + gzip.length))
                                .send(Arrays.copyOfRange(gzip, (int) from, gzip.length));
                    } else {
                        r.send(Responses.head(200, "Content-Length: " + gzip.length, "Content-Encoding: gzip",
                                "ETag: \"g\"")).send(gzip);
                    }
                }))) {
            Report report = run(server);

            assertThat(server.requests()).hasSizeGreaterThan(1).extracting(q -> q.header("Range")).containsOnlyNulls();
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(file);
        }
    }

    /**
     * Bytes kept as served (a client that does not decode, as the command line's): a file served
     * in a coding (a .tar.gz with Content-Encoding: gzip) is resumed by a range in that same
     * coding, which counts exactly the bytes the part holds (RFC 9110 §14.1.2), within a run and
     * in the next one. A 206 in the coding was refused ("its range counts encoded bytes"): the
     * retry failed and the part was deleted.
     */
    @Test
    void bytesKeptAsServedInACodingAreResumedByARangeInTheSameCoding() throws Exception {
        byte[] gzip = PatternBytes.bytes(7, LENGTH); // as served: the coding's bytes, whatever they hold
        try (Client raw = Client.builder().decompress(false).readTimeout(Duration.ofSeconds(10)).build();
             var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, "Content-Length: " + LENGTH,
                        "Content-Encoding: gzip", "ETag: \"g\"")).send(Arrays.copyOf(gzip, CUT)).close())
                .onConnection(1, c -> c.expectRequest().send(Responses.head(206, "Content-Length: " + (LENGTH - CUT),
                        "Content-Encoding: gzip", "ETag: \"g\"", "Content-Range: bytes " + CUT + "-" + (LENGTH - 1) + "/" + LENGTH))
                        .send(Arrays.copyOfRange(gzip, CUT, CUT + 1000)).close())
                .onEveryRequest((req, r) -> {
                    long from = Long.parseLong(req.header("Range").replaceAll("\\D", ""));
                    r.send(Responses.head(206, "Content-Length: " + (LENGTH - from), "Content-Encoding: gzip",
                            "ETag: \"g\"", "Content-Range: bytes " + from + "-" + (LENGTH - 1) + "/" + LENGTH))
                            .send(Arrays.copyOfRange(gzip, (int) from, LENGTH));
                }))) {
            DownloadJob job = new DownloadJob(server.uri("/file.tar.gz"), Path.of("file.tar.gz"), Optional.empty());
            Report first = Downloader.builder(raw).directory(dir).retryPolicy(RetryPolicy.of(0)).build().run(List.of(job));
            assertThat(first.isOk()).isFalse();
            assertThat(SegmentedIntegrityTest.attributesOf(dir.resolve("file.tar.gz.part")))
                    .extractingByKey("sluice.coding").isEqualTo("gzip".getBytes(StandardCharsets.ISO_8859_1));

            // The next run: the part's CUT bytes, then a cut at CUT + 1000 and a retry, both by range.
            Report report = Downloader.builder(raw).directory(dir).resume(true).sleeper(d -> { }).build().run(List.of(job));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).extracting(q -> q.header("Range"))
                    .containsExactly(null, "bytes=" + CUT + "-", "bytes=" + (CUT + 1000) + "-");
            assertThat(Files.readAllBytes(dir.resolve("file.tar.gz"))).isEqualTo(gzip);
        }
    }

    @Test
    void aRangeThatComesEncodedIsNotAppendedToThePart() throws Exception {
        // The file came as is and was cut; the server sends the rest in a content coding,
        // though asked not to (one the client cannot undo, of the same length, so that no
        // length check catches it). A 206 is never decoded, its range counting encoded bytes:
        // appended, it would put foreign bytes in the middle of the file.
        byte[] file = PatternBytes.bytes(0, LENGTH);
        byte[] scrambled = Arrays.copyOfRange(file, CUT, LENGTH);
        for (int i = 0; i < scrambled.length; i++) {
            scrambled[i] ^= 0x5a;
        }
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, "Content-Length: " + LENGTH,
                        "ETag: \"e\"")).send(Arrays.copyOf(file, CUT)).close())
                .onEveryRequest((req, r) -> {
                    if (req.header("Range") != null) {
                        r.send(Responses.head(206, "Content-Length: " + scrambled.length, "Content-Encoding: x-scramble",
                                "ETag: \"e\"", "Content-Range: bytes " + CUT + "-" + (LENGTH - 1) + "/" + LENGTH))
                                .send(scrambled);
                    } else {
                        r.send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"e\"")).send(file);
                    }
                }))) {
            Report report = run(server);

            assertThat(server.requests()).extracting(q -> q.header("Range")).contains("bytes=" + CUT + "-");
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(file);
        }
    }

    @Test
    void continuingAPartFileWithoutAStoredValidatorFetchesTheWholeFile() throws Exception {
        Files.writeString(dir.resolve("file.bin.part"), filled('A', CUT));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.header("Range") != null) {
                r.send(Responses.head(206, "Content-Length: " + (LENGTH - CUT),
                        "Content-Range: bytes " + CUT + "-" + (LENGTH - 1) + "/" + LENGTH)).send(filled('B', LENGTH - CUT));
            } else {
                r.send(Responses.head(200, "Content-Length: " + LENGTH)).send(filled('B', LENGTH));
            }
        }))) {
            Report report = Downloader.builder(client).directory(dir).resume(true).build()
                    .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));

            assertThat(server.requests()).singleElement().satisfies(req -> assertThat(req.header("Range")).isNull());
            assertWholeVersionB(report);
        }
    }

    /**
     * A stored validator that cannot go in If-Range (not written by sluice: a control
     * character, neither a tag nor a date) is no validator: the file comes whole. Such a part
     * failed every later run as a local error (exit 8), "value of header If-Range contains CR".
     */
    @ParameterizedTest
    @ValueSource(strings = {"\"v1\"\r\nX-Injected: 1", "\"v1\u0001\"", "v1", "\"v1\u007f\""})
    void aStoredValidatorThatCannotBeSentIsNone(String stored) throws Exception {
        Path part = Files.writeString(dir.resolve("file.bin.part"), filled('A', CUT));
        PartialContentTest.storeValidator(part, stored);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"v1\"")).send(filled('B', LENGTH))))) {
            Report report = Downloader.builder(client).directory(dir).resume(true).retryPolicy(RetryPolicy.of(0)).build()
                    .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));

            assertThat(server.requests()).singleElement().satisfies(req -> assertThat(req.header("Range")).isNull());
            assertWholeVersionB(report);
        }
    }

    @Test
    void onlyAStrongValidatorMayGoInIfRange() {
        assertThat(PartFile.strongValidator(Headers.of("ETag", "\"x\"", "Last-Modified", "Mon, 02 Jun 2025 10:00:00 GMT")))
                .contains("\"x\"");
        assertThat(PartFile.strongValidator(Headers.of("ETag", "W/\"x\"", "Last-Modified", "Mon, 02 Jun 2025 10:00:00 GMT",
                "Date", "Tue, 03 Jun 2025 10:00:00 GMT"))).isEmpty();
        assertThat(PartFile.strongValidator(Headers.of("Last-Modified", "Mon, 02 Jun 2025 10:00:00 GMT",
                "Date", "Mon, 02 Jun 2025 10:00:01 GMT"))).contains("Mon, 02 Jun 2025 10:00:00 GMT");
        assertThat(PartFile.strongValidator(Headers.of("Last-Modified", "Mon, 02 Jun 2025 10:00:00 GMT"))).isEmpty();
        assertThat(PartFile.strongValidator(Headers.of("Last-Modified", "yesterday", "Date", "today"))).isEmpty();
        assertThat(PartFile.strongValidator(Headers.empty())).isEmpty();
    }
}
