package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupted run stops its jobs and still says what became of each: the finished as they
 * ended, the others failed as interrupted, with what their part files hold.
 */
class InterruptedRunTest {
    private static final long WAIT_SECONDS = 10;
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(30)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    /**
     * Stopped in its wait before a retry, a job made one attempt, not two: the second was counted
     * when the wait began (the report said "attempts":2 with one request at the server).
     */
    @Test
    void aJobStoppedInItsWaitToRetryCountsOnlyTheAttemptsMade() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.head(503, "Retry-After: 30", "Content-Length: 0"))))) {
            CountDownLatch waiting = new CountDownLatch(1);
            Downloader downloader = Downloader.builder(client).directory(dir).sleeper(d -> {
                waiting.countDown();
                Thread.sleep(d);
            }).build();
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    downloader.run(List.of(DownloadJob.of(server.uri("/later.bin"))));
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            assertThat(waiting.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the job waits to retry").isTrue();

            runner.interrupt();

            Throwable t = thrown.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(DownloadInterruptedException.class);
            Report.Item item = ((DownloadInterruptedException) t).report().items().getFirst();
            assertThat(item.error().isInterruption()).isTrue();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.httpStatus()).isEqualTo(503);
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void anInterruptedRunReportsTheFinishedTheStoppedAndTheNotStarted() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/done.txt")) {
                r.send(Responses.ok("done"));
            } else {
                r.send(Responses.head(200, "Content-Length: 100000")).sendPattern(1000).stallUntil("never");
            }
        }))) {
            List<DownloadJob> jobs = List.of(DownloadJob.of(server.uri("/done.txt")), DownloadJob.of(server.uri("/stalled.bin")),
                    DownloadJob.of(server.uri("/queued.bin")));
            CountDownLatch stalled = new CountDownLatch(1);
            Downloader downloader = Downloader.builder(client).directory(dir).concurrency(1).listener(e -> {
                if (e instanceof ProgressEvent.Bytes b && b.job() == jobs.get(1) && b.bytes() == 1000) {
                    stalled.countDown();
                }
            }).build();
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    downloader.run(jobs);
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            assertThat(stalled.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the second job has its first bytes").isTrue();

            runner.interrupt();

            Throwable t = thrown.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(DownloadInterruptedException.class)
                    .hasMessage("interrupted before 2 of 3 downloads ended");
            Report report = ((DownloadInterruptedException) t).report();
            assertThat(report.items()).extracting(Report.Item::ok).containsExactly(true, false, false);
            Report.Item stopped = report.items().get(1);
            assertThat(stopped.error()).isEqualTo(new Report.Error("io", server.uri("/stalled.bin") + ": interrupted before it finished"));
            assertThat(stopped.error().isInterruption()).isTrue();
            assertThat(stopped.attempts()).isEqualTo(1);
            assertThat(stopped.httpStatus()).isEqualTo(200);
            assertThat(stopped.bytes()).isEqualTo(1000);
            Report.Item queued = report.items().get(2);
            assertThat(queued.error().isInterruption()).isTrue();
            assertThat(queued.error().message()).isEqualTo(server.uri("/queued.bin") + ": interrupted before it finished");
            assertThat(queued.attempts()).isZero();
            assertThat(queued.path()).isEqualTo(dir.resolve("queued.bin").toString());
            assertThat(report.totalBytes()).isEqualTo(4 + 1000);
            // The part stays for a later run; nothing is at the final path.
            assertThat(Files.size(dir.resolve("stalled.bin.part"))).isEqualTo(1000);
            assertThat(dir.resolve("stalled.bin")).doesNotExist();
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void aRunInterruptedBeforeItBeganReportsEveryJobAsNotStartedWithoutARequest() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("x"))))) {
            List<DownloadJob> jobs = List.of(DownloadJob.of(server.uri("/a.txt")), DownloadJob.of(server.uri("/b.txt")));
            Downloader downloader = Downloader.builder(client).directory(dir).build();
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().unstarted(() -> {
                Thread.currentThread().interrupt(); // as a signal that came while the jobs were being read
                try {
                    downloader.run(jobs);
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            runner.start();

            Throwable t = thrown.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(DownloadInterruptedException.class)
                    .hasMessage("interrupted before 2 of 2 downloads ended");
            Report report = ((DownloadInterruptedException) t).report();
            assertThat(report.items()).allSatisfy(i -> {
                assertThat(i.error().isInterruption()).isTrue();
                assertThat(i.attempts()).isZero();
            });
            assertThat(server.requests()).isEmpty();
        }
    }
}
