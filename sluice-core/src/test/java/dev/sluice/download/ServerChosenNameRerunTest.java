package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A name the server chose that hits a file or part an earlier download of the same URL left
 * (its URL recorded in an extended attribute) is that job's own: a re-run replaces or resumes
 * it instead of numbering on (a.1.txt, a.2.txt...), and never takes another URL's part. Skipped
 * where the file system keeps no user extended attributes (nothing is recorded there).
 */
class ServerChosenNameRerunTest {
    private static final String CD = "Content-Disposition: attachment; filename=\"a.txt\"";
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void requireExtendedAttributes() throws IOException {
        Path probe = Files.createFile(dir.resolve("xattr-probe"));
        try {
            storeUrl(probe, "probe");
        } finally {
            Files.delete(probe);
        }
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** Records {@code url} as a download's URL on {@code file}, as sluice does; skips where unsupported. */
    static void storeUrl(Path file, String url) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        assumeTrue(view != null, "no extended attributes here");
        try {
            view.write(PartFile.URL_ATTRIBUTE, ByteBuffer.wrap(url.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no extended attributes here: " + e);
        }
    }

    private Report run(List<DownloadJob> jobs) throws InterruptedException {
        return Downloader.builder(client).directory(dir).concurrency(1).retryPolicy(RetryPolicy.of(0)).resume(true)
                .build().run(jobs);
    }

    /**
     * As for a name from the URL's own path, a --continue re-run after a finished download asks
     * for the file again (nothing is left to resume) and replaces it: one a.txt, whatever the runs.
     */
    @Test
    void aRerunReplacesItsOwnEarlierFileInsteadOfNumberingOn() throws Exception {
        AtomicInteger served = new AtomicInteger();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(200, "v" + served.incrementAndGet(), CD))))) {
            for (int i = 1; i <= 3; i++) {
                Report report = run(List.of(DownloadJob.of(server.uri("/dl?id=7"))));

                assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
                assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("a.txt").toString());
                assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("v" + i);
            }
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.txt");
            }
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsOnlyNulls();
        }
    }

    /**
     * X and Y of one list are both named a.txt by the server; X finishes as a.txt, Y fails and
     * leaves a.1.txt.part. The re-run must give X its a.txt again, and Y its part, resumed.
     */
    @Test
    void aRerunOfAListKeepsEachJobsOwnNameAndResumesThePartOfTheOneThatFailed() throws Exception {
        int length = 10_000;
        int held = 4000;
        AtomicBoolean firstRun = new AtomicBoolean(true);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/x")) {
                r.send(Responses.status(200, "x", CD, "ETag: \"x1\""));
            } else if (firstRun.get()) {
                r.send(Responses.head(200, CD, "ETag: \"y1\"", "Content-Length: " + length, "Connection: close"))
                        .sendPattern(held).close();
            } else if (req.header("Range") != null && "\"y1\"".equals(req.header("If-Range"))) {
                r.send(Responses.head(206, CD, "ETag: \"y1\"", "Content-Length: " + (length - held),
                        "Content-Range: bytes " + held + "-" + (length - 1) + "/" + length)).sendPattern(held, length - held);
            } else {
                r.send(Responses.head(200, CD, "ETag: \"y1\"", "Content-Length: " + length)).sendPattern(length);
            }
        }))) {
            List<DownloadJob> jobs = List.of(DownloadJob.of(server.uri("/x")), DownloadJob.of(server.uri("/y")));
            Report first = run(jobs);

            assertThat(first.items()).extracting(Report.Item::path, Report.Item::ok).containsExactly(
                    tuple(dir.resolve("a.txt").toString(), true), tuple(dir.resolve("a.1.txt").toString(), false));
            assertThat(Files.size(dir.resolve("a.1.txt.part"))).isEqualTo(held);

            firstRun.set(false);
            int before = server.requests().size();
            Report second = run(jobs);

            assertThat(second.isOk()).as("%s", second.toJson()).isTrue();
            assertThat(second.items()).extracting(Report.Item::path)
                    .containsExactly(dir.resolve("a.txt").toString(), dir.resolve("a.1.txt").toString());
            assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("x");
            assertThat(Files.readAllBytes(dir.resolve("a.1.txt"))).isEqualTo(PatternBytes.bytes(0, length));
            assertThat(server.requests().subList(before, server.requests().size()))
                    .extracting(RecordedRequest::target, q -> q.header("Range"))
                    .containsExactly(tuple("/x", null), tuple("/y", null), tuple("/y", "bytes=" + held + "-"));
            assertThat(dir.resolve("a.2.txt")).doesNotExist();
        }
    }

    @Test
    void aFileThereOfAnotherUrlOrOfNoneIsStillNumberedPast() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "the user's");
        Files.writeString(dir.resolve("a.1.txt"), "another URL's");
        storeUrl(dir.resolve("a.1.txt"), "http://example.org/other");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200, "new", CD))))) {
            Report report = run(List.of(DownloadJob.of(server.uri("/dl"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("a.2.txt").toString());
            assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("the user's");
            assertThat(Files.readString(dir.resolve("a.1.txt"))).isEqualTo("another URL's");
        }
    }

    /** A part another URL left is that job's to resume: this one takes the next number and leaves it. */
    @Test
    void aPartOfAnotherUrlIsNotTaken() throws Exception {
        Path part = Files.write(dir.resolve("a.txt.part"), PatternBytes.bytes(0, 100));
        storeUrl(part, "http://example.org/other");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200, "new", CD))))) {
            Report report = run(List.of(DownloadJob.of(server.uri("/dl"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("a.1.txt").toString());
            assertThat(Files.readAllBytes(part)).isEqualTo(PatternBytes.bytes(0, 100));
            assertThat(dir.resolve("a.txt")).doesNotExist();
        }
    }

    /** A link is never a download's own file, whatever the file it points to records. */
    @Test
    void aLinkToAFileOfThisUrlIsStillNumberedPast() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200, "new", CD))))) {
            Path elsewhere = Files.writeString(dir.resolve("elsewhere.txt"), "kept");
            storeUrl(elsewhere, server.uri("/dl").toString());
            Files.createSymbolicLink(dir.resolve("a.txt"), elsewhere);
            Report report = run(List.of(DownloadJob.of(server.uri("/dl"))));

            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("a.1.txt").toString());
            assertThat(Files.isSymbolicLink(dir.resolve("a.txt"))).isTrue();
            assertThat(Files.readString(elsewhere)).isEqualTo("kept");
        }
    }
}
