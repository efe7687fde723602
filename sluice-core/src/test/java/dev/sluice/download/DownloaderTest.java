package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();
    private final List<Duration> slept = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Downloader.Builder downloader() {
        return Downloader.builder(client).directory(dir).sleeper(slept::add);
    }

    private List<String> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void twoHundredFilesAtSixteenAtOnceAllArriveAndTheLimitHolds() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            int n = Integer.parseInt(req.target().replaceAll("\\D", ""));
            r.send(Responses.head(200, "Content-Length: " + (10_000 + n))).sendPattern(n, 10_000 + n);
        }))) {
            List<DownloadJob> jobs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                jobs.add(DownloadJob.of(server.uri("/f/" + i + ".bin")));
            }
            Report report = downloader().concurrency(16).build().run(jobs);
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items()).hasSize(200);
            assertThat(report.totalBytes()).isEqualTo(IntStream.range(0, 200).mapToLong(i -> 10_000 + i).sum());
            assertThat(server.requests()).hasSize(200);
            assertThat(server.connectionCount()).isBetween(1, 16);
            for (int i = 0; i < 200; i++) {
                byte[] got = Files.readAllBytes(dir.resolve(i + ".bin"));
                assertThat(got).hasSize(10_000 + i);
                PatternBytes.verify(got, 0, got.length, i);
            }
            assertThat(filesIn(dir)).noneMatch(n -> n.endsWith(".part"));
        }
    }

    @Test
    void serviceUnavailableIsRetriedHonouringRetryAfter() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.status(503, "busy", "Retry-After: 2")))
                .onRequest(1, r -> r.send(Responses.status(429, "slow down", "Retry-After: 1")))
                .onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            Report report = downloader().build().run(List.of(DownloadJob.of(server.uri("/data.txt"))));
            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isTrue();
            assertThat(item.attempts()).isEqualTo(3);
            assertThat(item.httpStatus()).isEqualTo(200);
            assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(1));
            assertThat(Files.readString(dir.resolve("data.txt"))).isEqualTo("payload");
        }
    }

    @Test
    void aRetryAfterLongerThanTheRunWaitsEndsTheJobWithoutARetry() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onEveryRequest((req, r) -> r.send(Responses.status(503, "down for maintenance", "Retry-After: 7200"))))) {
            Report report = downloader().build().run(List.of(DownloadJob.of(server.uri("/later.bin"))));
            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.httpStatus()).isEqualTo(503);
            assertThat(slept).isEmpty();
        }
    }

    @Test
    void aRetryAfterBeyondTheBackoffCapIsWaitedInFull() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.status(503, "busy", "Retry-After: 120")))
                .onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            Report report = downloader().build().run(List.of(DownloadJob.of(server.uri("/data.txt"))));
            assertThat(report.items().get(0).ok()).isTrue();
            assertThat(slept).containsExactly(Duration.ofSeconds(120));
        }
    }

    @Test
    void notFoundIsNotRetriedAndLeavesNoFile() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onEveryRequest((req, r) -> r.send(Responses.status(404, "no")))))  {
            Report report = downloader().build().run(List.of(DownloadJob.of(server.uri("/gone.bin"))));
            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.error().kind()).isEqualTo("http");
            assertThat(item.error().message()).contains("/gone.bin").contains("404");
            assertThat(filesIn(dir)).isEmpty();
            assertThat(report.toJson()).contains("\"ok\":false", "\"httpStatus\":404", "\"kind\":\"http\"");
        }
    }

    @Test
    void aBodyCutShortIsResumedWithARangeRequest() throws Exception {
        byte[] first = PatternBytes.bytes(0, 400);
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest()
                        .send(Responses.head(200, "Content-Length: 1000", "ETag: \"v1\""))
                        .send(first).close())
                .onConnection(1, c -> c.expectRequest()
                        .send(Responses.head(206, "Content-Length: 600", "Content-Range: bytes 400-999/1000", "ETag: \"v1\""))
                        .sendPattern(400, 600).awaitClientClose()))) {
            DownloadJob job = new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"),
                    Optional.of(Checksum.parse("sha256=" + PatternBytes.sha256Hex(0, 1000))));
            Report report = downloader().build().run(List.of(job));
            assertThat(report.items().get(0).ok()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).attempts()).isEqualTo(2);
            RecordedRequest second = server.requests().get(1);
            assertThat(second.header("Range")).isEqualTo("bytes=400-");
            byte[] got = Files.readAllBytes(dir.resolve("file.bin"));
            assertThat(got).hasSize(1000);
            PatternBytes.verify(got, 0, 1000, 0);
            assertThat(filesIn(dir)).containsExactly("file.bin");
        }
    }

    @Test
    void aServerThatIgnoresTheRangeRestartsTheFileFromZero() throws Exception {
        Files.write(dir.resolve("file.bin.part"), new byte[] {9, 9, 9, 9});
        PartialContentTest.storeValidator(dir.resolve("file.bin.part"), "\"v1\"");
        try (var server = ScriptedServer.start(s -> s
                .onEveryRequest((req, r) -> r.send(Responses.head(200, "Content-Length: 100")).sendPattern(0, 100)))) {
            Report report = downloader().resume(true)
                    .build().run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));
            assertThat(report.isOk()).isTrue();
            assertThat(server.requests().get(0).header("Range")).isEqualTo("bytes=4-");
            byte[] got = Files.readAllBytes(dir.resolve("file.bin"));
            assertThat(got).hasSize(100);
            PatternBytes.verify(got, 0, 100, 0);
        }
    }

    @Test
    void aChecksumMismatchFailsAsIntegrityAndLeavesNothing() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("tampered"))))) {
            DownloadJob job = new DownloadJob(server.uri("/a.txt"), Path.of("a.txt"),
                    Optional.of(Checksum.parse("sha256:" + "0".repeat(64))));
            Report report = downloader().build().run(List.of(job));
            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.error().kind()).isEqualTo("integrity");
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aHostileContentDispositionNameStaysInsideTheDirectory() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(200, "x", "Content-Disposition: attachment; filename=\"../../evil.sh\""))))) {
            Report report = downloader().build().run(List.of(DownloadJob.of(server.uri("/download"))));
            assertThat(report.isOk()).isTrue();
            assertThat(filesIn(dir)).containsExactly("_.._evil.sh");
            assertThat(Files.exists(dir.getParent().resolve("evil.sh"))).isFalse();
        }
    }

    @Test
    void twoJobsForTheSameNameGetNumberedFiles() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))))) {
            List<DownloadJob> jobs = new ArrayList<>();
            jobs.add(DownloadJob.of(server.uri("/a/x.txt")));
            jobs.add(DownloadJob.of(server.uri("/b/x.txt")));
            Report report = downloader().concurrency(1).build().run(jobs);
            assertThat(report.isOk()).isTrue();
            assertThat(filesIn(dir)).containsExactly("x.1.txt", "x.txt");
            assertThat(report.items()).extracting(Report.Item::path)
                    .containsExactly(dir.resolve("x.txt").toString(), dir.resolve("x.1.txt").toString());
        }
    }

    @Test
    void headerFieldsGoWithEveryRequest() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("x"))))) {
            Report report = downloader().header("Authorization", "Bearer t0k").header("User-Agent", "mirror/1").build()
                    .run(List.of(DownloadJob.of(server.uri("/a.txt"))));
            assertThat(report.isOk()).isTrue();
            RecordedRequest req = server.requests().get(0);
            assertThat(req.header("Authorization")).isEqualTo("Bearer t0k");
            assertThat(req.header("User-Agent")).isEqualTo("mirror/1");
            assertThat(req.header("Accept-Encoding")).isEqualTo("identity");
        }
    }

    @Test
    void anAcceptEncodingGivenReplacesIdentityAndTheFileIsSavedAsServed() throws Exception {
        byte[] gzipped = dev.sluice.testkit.Gzip.of("saved as served");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + gzipped.length)).send(gzipped)));
             Client raw = Client.builder().decompress(false).build()) {
            // As the command line builds it: bytes as served.
            Report report = Downloader.builder(raw).directory(dir).header("Accept-Encoding", "gzip").build()
                    .run(List.of(DownloadJob.of(server.uri("/page.html.gz"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).singleElement().satisfies(req ->
                    assertThat(req.headerValues("Accept-Encoding")).containsExactly("gzip"));
            assertThat(Files.readAllBytes(dir.resolve("page.html.gz"))).isEqualTo(gzipped);
        }
    }

    @Test
    void resumingFindsThePartFileOfAJobNamedByItsUrl() throws Exception {
        Files.write(dir.resolve("named.bin.part"), PatternBytes.bytes(0, 30));
        PartialContentTest.storeValidator(dir.resolve("named.bin.part"), "\"v1\"");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(206, "Content-Length: 70", "Content-Range: bytes 30-99/100", "ETag: \"v1\""))
                .sendPattern(30, 70)))) {
            Report report = downloader().resume(true).build().run(List.of(DownloadJob.of(server.uri("/named.bin"))));
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests().get(0).header("Range")).isEqualTo("bytes=30-");
            byte[] got = Files.readAllBytes(dir.resolve("named.bin"));
            assertThat(got).hasSize(100);
            PatternBytes.verify(got, 0, 100, 0);
        }
    }

    @Test
    void rangeAndIfRangeAreTheDownloadersOwnAndCannotBeGivenAsHeaders() {
        for (String name : List.of("Range", "if-range", "IF-RANGE")) {
            assertThatThrownBy(() -> downloader().header(name, "bytes=5-"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
        }
        downloader().header("X-Range", "fine");
    }

    @Test
    void aFileTheDownloadReplacesKeepsItsPermissions() throws Exception {
        Path existing = Files.writeString(dir.resolve("private.bin"), "old");
        Files.setPosixFilePermissions(existing, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("new"))))) {
            Report report = downloader().build().run(List.of(DownloadJob.of(server.uri("/private.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readString(existing)).isEqualTo("new");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void badSettingsAndJobsAreRefusedWhenMadeNotMidRun() {
        // Accepted, a negative rate meant no limit, a null directory failed inside run() with a
        // NullPointerException, and an ftp URL was reported as a local I/O error.
        try (Client client = Client.newClient()) {
            assertThatThrownBy(() -> Downloader.builder(client).rateLimit(-5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
            assertThatThrownBy(() -> Downloader.builder(client).directory(null))
                    .isInstanceOf(NullPointerException.class);
            assertThat(Downloader.builder(client).rateLimit(0).build()).isNotNull();
        }
        assertThatThrownBy(() -> DownloadJob.of(java.net.URI.create("ftp://127.0.0.1/a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://127.0.0.1/a");
        assertThatThrownBy(() -> new DownloadJob(java.net.URI.create("relative/a"), null, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(DownloadJob.of(java.net.URI.create("http://127.0.0.1:1/a")).target()).isNull();
    }
}
