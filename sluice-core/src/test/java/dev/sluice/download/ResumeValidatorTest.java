package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.Headers;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
