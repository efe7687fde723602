package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With resume, a part file an earlier run left under a name that only the response gives
 * (Content-Disposition, or the URL redirected to) is continued: the response that names it is
 * closed unread and the request repeated with Range and If-Range, once, as the same attempt.
 */
class ResumeUnderResponseNameTest {
    private static final int LENGTH = 10_000;
    private static final int HELD = 4000;
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** The earlier run's part: the first {@link #HELD} bytes of the file, under {@code validator}. */
    private void partLeftUnder(String name, String validator) throws IOException {
        Path part = Files.write(dir.resolve(name + ".part"), PatternBytes.bytes(0, HELD));
        PartialContentTest.storeValidator(part, validator);
    }

    /**
     * Serves the file under ETag "v1" at {@code path} with {@code extraHeader}: the rest of it
     * to a Range request with If-Range "v1", else all of it. Other paths redirect to {@code path}.
     */
    private static ScriptedServer fileServer(String path, String extraHeader) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (!req.target().equals(path)) {
                r.send(Responses.status(302, "", "Location: " + path));
            } else if (req.header("Range") != null && "\"v1\"".equals(req.header("If-Range"))) {
                r.send(Responses.head(206, extraHeader, "ETag: \"v1\"", "Content-Length: " + (LENGTH - HELD),
                        "Content-Range: bytes " + HELD + "-" + (LENGTH - 1) + "/" + LENGTH)).sendPattern(HELD, LENGTH - HELD);
            } else {
                r.send(Responses.head(200, extraHeader, "ETag: \"v1\"", "Content-Length: " + LENGTH)).sendPattern(LENGTH);
            }
        }));
    }

    private Report resume(ScriptedServer server, String path) throws InterruptedException {
        return Downloader.builder(client).directory(dir).resume(true).build().run(List.of(DownloadJob.of(server.uri(path))));
    }

    private void assertResumedInOneAttempt(Report report, String name) throws IOException {
        assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
        Report.Item item = report.items().get(0);
        assertThat(item.path()).isEqualTo(dir.resolve(name).toString());
        assertThat(item.attempts()).isEqualTo(1);
        // The size of the file, resumed or not; the requests show what was fetched.
        assertThat(item.bytes()).isEqualTo(LENGTH);
        assertThat(Files.readAllBytes(dir.resolve(name))).isEqualTo(PatternBytes.bytes(0, LENGTH));
    }

    @Test
    void aPartNamedByContentDispositionIsResumed() throws Exception {
        partLeftUnder("cdname.bin", "\"v1\"");
        try (var server = fileServer("/dl", "Content-Disposition: attachment; filename=\"cdname.bin\"")) {
            Report report = resume(server, "/dl");

            assertResumedInOneAttempt(report, "cdname.bin");
            assertThat(server.requests()).extracting(RecordedRequest::target, q -> q.header("Range"), q -> q.header("If-Range"))
                    .containsExactly(
                            tuple("/dl", null, null),
                            tuple("/dl", "bytes=" + HELD + "-", "\"v1\""));
        }
    }

    @Test
    void aPartNamedByTheUrlRedirectedToIsResumed() throws Exception {
        partLeftUnder("real.bin", "\"v1\"");
        try (var server = fileServer("/files/real.bin", "X-Nothing: 0")) {
            Report report = resume(server, "/latest");

            assertResumedInOneAttempt(report, "real.bin");
            assertThat(server.requests()).extracting(RecordedRequest::target)
                    .containsExactly("/latest", "/files/real.bin", "/latest", "/files/real.bin");
            assertThat(server.requests().get(3).header("Range")).isEqualTo("bytes=" + HELD + "-");
        }
    }

    @Test
    void aPartUnderAnotherValidatorIsFetchedAgainFromTheStartWithoutARepeat() throws Exception {
        partLeftUnder("cdname.bin", "\"old\"");
        try (var server = fileServer("/dl", "Content-Disposition: attachment; filename=\"cdname.bin\"")) {
            Report report = resume(server, "/dl");

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).singleElement().satisfies(q -> assertThat(q.header("Range")).isNull());
            assertThat(report.items().get(0).bytes()).isEqualTo(LENGTH);
            assertThat(Files.readAllBytes(dir.resolve("cdname.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }

    @Test
    void withoutResumeThePartIsFetchedAgainFromTheStart() throws Exception {
        partLeftUnder("cdname.bin", "\"v1\"");
        try (var server = fileServer("/dl", "Content-Disposition: attachment; filename=\"cdname.bin\"")) {
            Report report = Downloader.builder(client).directory(dir).build().run(List.of(DownloadJob.of(server.uri("/dl"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).hasSize(1);
            assertThat(Files.readAllBytes(dir.resolve("cdname.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }
}
