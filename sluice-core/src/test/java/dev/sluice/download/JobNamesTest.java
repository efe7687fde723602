package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Ports;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which path each job has: claimed in list order before any job starts, kept when no response
 * or only an error response arrives, and changed only by a successful response that names
 * another file.
 */
class JobNamesTest {
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Downloader.Builder downloader() {
        return Downloader.builder(client).directory(dir).sleeper(d -> { });
    }

    @Test
    void duplicatesAreNumberedInListOrderNotInTheOrderTheirResponsesArrive() throws Exception {
        CountDownLatch secondEnded = new CountDownLatch(1);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().contains("slow")) {
                r.stallUntil(secondEnded);
            }
            r.send(Responses.ok(req.target()));
        }))) {
            List<DownloadJob> jobs = List.of(DownloadJob.of(server.uri("/a.bin?slow")), DownloadJob.of(server.uri("/a.bin?fast")));
            Report report = downloader().concurrency(2).listener(e -> {
                if ((e instanceof ProgressEvent.Finished || e instanceof ProgressEvent.Failed) && e.job() == jobs.get(1)) {
                    secondEnded.countDown();
                }
            }).build().run(jobs);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items()).extracting(Report.Item::path)
                    .containsExactly(dir.resolve("a.bin").toString(), dir.resolve("a.1.bin").toString());
            assertThat(Files.readString(dir.resolve("a.bin"))).isEqualTo("/a.bin?slow");
            assertThat(Files.readString(dir.resolve("a.1.bin"))).isEqualTo("/a.bin?fast");
        }
    }

    @Test
    void aJobThatGetsNoResponseStillNamesItsPath() throws Exception {
        URI refused = URI.create("http://127.0.0.1:" + Ports.closedPort() + "/refused.bin");
        Report report = downloader().retryPolicy(RetryPolicy.of(0)).build().run(List.of(DownloadJob.of(refused)));

        Report.Item item = report.items().get(0);
        assertThat(item.ok()).isFalse();
        assertThat(item.error().kind()).isEqualTo("connect");
        assertThat(item.path()).isEqualTo(dir.resolve("refused.bin").toString());
    }

    @Test
    void anErrorResponseDoesNotNameTheFile() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.status(503, "busy", "Content-Disposition: attachment; filename=\"error.html\"")))
                .onEveryRequest((req, r) -> r.send(Responses.ok("the file"))))) {
            Report report = downloader().retryPolicy(RetryPolicy.of(1)).build()
                    .run(List.of(DownloadJob.of(server.uri("/x.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("x.bin").toString());
            assertThat(Files.readString(dir.resolve("x.bin"))).isEqualTo("the file");
            assertThat(Files.exists(dir.resolve("error.html"))).isFalse();
        }
    }

    @Test
    void aFailedJobIsReportedUnderItsPathNotUnderTheNameItsErrorResponseGives() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(404, "gone",
                "Content-Disposition: attachment; filename=\"other.bin\""))))) {
            Report report = downloader().build().run(List.of(DownloadJob.of(server.uri("/x.bin"))));

            assertThat(report.items().get(0).ok()).isFalse();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("x.bin").toString());
        }
    }

    @Test
    void aSuccessfulResponseNamesTheFileWhileOtherJobsKeepTheNamesClaimedForThem() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/dl")
                ? Responses.status(200, "named", "Content-Disposition: attachment; filename=\"named.bin\"")
                : Responses.ok(req.target()))))) {
            // Both were "dl" in the list: the second is "dl.1" from the start, whatever the first becomes.
            Report first = downloader().concurrency(1).build()
                    .run(List.of(DownloadJob.of(server.uri("/dl")), DownloadJob.of(server.uri("/other/dl"))));

            assertThat(first.isOk()).as("%s", first.toJson()).isTrue();
            assertThat(first.items()).extracting(Report.Item::path)
                    .containsExactly(dir.resolve("named.bin").toString(), dir.resolve("dl.1").toString());
            assertThat(Files.readString(dir.resolve("named.bin"))).isEqualTo("named");
        }
    }

    @Test
    void aNameTheCallerGaveIsNeverPushedOntoANumberByAnotherJobsProvisionalName() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/a.bin")
                ? Responses.status(200, "named", "Content-Disposition: attachment; filename=\"real.bin\"")
                : Responses.ok(req.target()))))) {
            // The first job's URL says a.bin until its response names real.bin; the second asked for a.bin.
            Report report = downloader().concurrency(1).build().run(List.of(DownloadJob.of(server.uri("/a.bin")),
                    new DownloadJob(server.uri("/q"), Path.of("a.bin"), Optional.empty())));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items()).extracting(Report.Item::path)
                    .containsExactly(dir.resolve("real.bin").toString(), dir.resolve("a.bin").toString());
            assertThat(Files.readString(dir.resolve("a.bin"))).isEqualTo("/q");
        }
    }

}
