package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose host is at its --per-host limit holds no place of the total limit: jobs of other
 * hosts after it start meanwhile. Jobs of one host still start in list order.
 */
class PerHostQueueTest {
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** The same server under another host name: "localhost" and "127.0.0.1" are two hosts to the limit. */
    private static URI viaLocalhost(ScriptedServer server, String path) {
        return URI.create("http://localhost:" + server.port() + path);
    }

    @Test
    void aJobWaitingForItsHostLeavesItsPlaceToAnotherHost() throws Exception {
        // /a1 is answered only once /b1 was asked for: with a1 running and a2 waiting for host
        // 127.0.0.1, b1 must get the second place, or a1 waits until its read times out.
        CountDownLatch b1Asked = new CountDownLatch(1);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/a1")) {
                r.stallUntil(b1Asked);
            } else if (req.target().equals("/b1")) {
                r.signal(b1Asked);
            }
            r.send(Responses.ok(req.target()));
        }))) {
            Report report = Downloader.builder(client).directory(dir).concurrency(2).perHost(1)
                    .retryPolicy(RetryPolicy.of(0)).build()
                    .run(List.of(DownloadJob.of(server.uri("/a1")), DownloadJob.of(server.uri("/a2")),
                            DownloadJob.of(viaLocalhost(server, "/b1"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            // a1 and b1 start together (either may reach the server first); a2 only after a1 ended.
            List<String> targets = server.requests().stream().map(RecordedRequest::target).toList();
            assertThat(targets).hasSize(3).endsWith("/a2");
            assertThat(targets.subList(0, 2)).containsExactlyInAnyOrder("/a1", "/b1");
        }
    }

    /**
     * A job waiting to retry downloads nothing: with one place, a job of another host runs in its
     * wait (the wait ends only once that job was asked for; before, the job waiting held the
     * place and the other never started). Its own host's place it keeps: a2, of the host that
     * asked to wait, starts only after a1 ended.
     */
    @Test
    void aJobWaitingToRetryLeavesItsPlaceToAnotherHostButKeepsItsHosts() throws Exception {
        CountDownLatch b1Asked = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean waitedInVain = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger a1Asked = new java.util.concurrent.atomic.AtomicInteger();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/a1") && a1Asked.getAndIncrement() == 0) {
                r.send(Responses.head(503, "Retry-After: 1", "Content-Length: 0"));
                return;
            }
            if (req.target().equals("/b1")) {
                b1Asked.countDown();
            }
            r.send(Responses.ok(req.target()));
        }))) {
            Report report = Downloader.builder(client).directory(dir).concurrency(1).perHost(1)
                    .retryPolicy(RetryPolicy.of(1))
                    .sleeper(d -> waitedInVain.set(!b1Asked.await(10, java.util.concurrent.TimeUnit.SECONDS)))
                    .build()
                    .run(List.of(DownloadJob.of(server.uri("/a1")), DownloadJob.of(server.uri("/a2")),
                            DownloadJob.of(viaLocalhost(server, "/b1"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(waitedInVain).as("the wait to retry held the only place").isFalse();
            assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/a1", "/b1", "/a1", "/a2");
        }
    }

    @Test
    void theTotalLimitHoldsAcrossHostsBelowTheirOwnLimit() throws Exception {
        // Three hosts (one server under three names), each below --per-host: -j 2 still allows
        // two at once. The first two are held until the test has seen both; a third that
        // arrives before then broke the total limit.
        java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger overLimit = new java.util.concurrent.atomic.AtomicInteger();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (arrived.incrementAndGet() > 2 && !gate.isDone()) {
                overLimit.incrementAndGet();
            }
            r.stallUntil(gate).send(Responses.ok(req.target()));
        }))) {
            List<DownloadJob> jobs = List.of(DownloadJob.of(server.uri("/a")), DownloadJob.of(viaLocalhost(server, "/b")),
                    DownloadJob.of(URI.create("http://[::ffff:127.0.0.1]:" + server.port() + "/c")));
            var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return Downloader.builder(client).directory(dir).concurrency(2).perHost(2).build().run(jobs);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            server.awaitRequests(2, Duration.ofSeconds(10));
            gate.complete(null);
            Report report = run.get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).hasSize(3);
            assertThat(overLimit).as("requests beyond -j 2 before the first two were answered").hasValue(0);
        }
    }

    @Test
    void withOnePlaceJobsStartInListOrderWhateverTheirHosts() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))))) {
            Report report = Downloader.builder(client).directory(dir).concurrency(1).build()
                    .run(List.of(DownloadJob.of(server.uri("/a1")), DownloadJob.of(viaLocalhost(server, "/b1")),
                            DownloadJob.of(server.uri("/a2")), DownloadJob.of(viaLocalhost(server, "/b2")),
                            DownloadJob.of(server.uri("/a3"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).extracting(RecordedRequest::target)
                    .containsExactly("/a1", "/b1", "/a2", "/b2", "/a3");
        }
    }

    @Test
    void jobsOfOneHostStartInListOrderAsItsPlacesFreeUp() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))))) {
            List<DownloadJob> jobs = java.util.stream.IntStream.range(0, 12)
                    .mapToObj(i -> i % 3 == 2 ? DownloadJob.of(viaLocalhost(server, "/b" + i)) : DownloadJob.of(server.uri("/a" + i)))
                    .toList();
            Report report = Downloader.builder(client).directory(dir).concurrency(4).perHost(1).build().run(jobs);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            List<String> targets = server.requests().stream().map(RecordedRequest::target).toList();
            assertThat(targets.stream().filter(t -> t.startsWith("/a")))
                    .containsExactly("/a0", "/a1", "/a3", "/a4", "/a6", "/a7", "/a9", "/a10");
            assertThat(targets.stream().filter(t -> t.startsWith("/b"))).containsExactly("/b2", "/b5", "/b8", "/b11");
        }
    }
}
