package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two downloads of one part file never write it at once: the second leaves it, and the final
 * file, to the first. Two runs into one directory wrote one part together, and the first to
 * finish renamed it, the other's bytes in it; the other then failed its rename and removed the
 * file the first had reported done.
 */
class PartInUseTest {
    private static final long WAIT_SECONDS = 10;
    private static final int SIZE = 300_000;
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(30)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void aSecondRunIntoTheSameDirectoryLeavesThePartToTheFirst() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/first/file.bin")) {
                r.send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(0, 1000).stallUntil("go")
                        .sendPattern(1000, SIZE - 1000);
            } else {
                r.send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(1L << 40, SIZE);
            }
        }))) {
            CompletableFuture<Report> first = DownloadRuns.inBackground(Downloader.builder(client).directory(dir).build(),
                    List.of(DownloadJob.of(server.uri("/first/file.bin"))));
            server.awaitRequests(1, Duration.ofSeconds(WAIT_SECONDS));

            // Another run, another URL of the same name, into the same directory, through a link to it.
            Path link = Files.createSymbolicLink(dir.resolve("link"), dir);
            Report second = Downloader.builder(client).directory(link).build()
                    .run(List.of(DownloadJob.of(server.uri("/second/file.bin"))));

            Report.Item item = second.items().getFirst();
            assertThat(item.ok()).as("%s", second.toJson()).isFalse();
            assertThat(item.error().kind()).isEqualTo("io");
            assertThat(item.error().isPartInUse()).as(item.error().message()).isTrue();
            assertThat(item.error().message()).startsWith(server.uri("/second/file.bin") + ": ").contains("file.bin.part");
            assertThat(server.requests()).hasSize(1); // the second asked nothing
            server.release("go");
            Report done = first.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(done.isOk()).as("%s", done.toJson()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
            assertThat(Files.exists(dir.resolve("file.bin.part"))).isFalse();
        }
    }

    /**
     * A list's sub/file whose directory the first run made: the second run must still meet the
     * first's lock. A part was known by the nearest directory that existed, so the two runs
     * named it differently (sub missing, then there) and both wrote it.
     */
    @Test
    void aPartInADirectoryTheFirstRunMadeIsStillLocked() throws Exception {
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (requests.getAndIncrement() == 0) {
                r.send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(0, 1000).stallUntil("go")
                        .sendPattern(1000, SIZE - 1000);
            } else {
                r.send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(1L << 40, SIZE);
            }
        }))) {
            DownloadJob job = new DownloadJob(server.uri("/file.bin"), Path.of("sub/file.bin"), Optional.empty());
            java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Report> first = DownloadRuns.inBackground(Downloader.builder(client).directory(dir)
                    .listener(e -> {
                        if (e instanceof ProgressEvent.Bytes) {
                            written.countDown();
                        }
                    }).build(), List.of(job));
            // Its first bytes are in the part: sub is there now, as it was not when the job began.
            assertThat(written.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(dir.resolve("sub")).isDirectory();

            Report second = Downloader.builder(client).directory(dir).build().run(List.of(job));

            assertThat(second.items().getFirst().error()).isNotNull()
                    .satisfies(e -> assertThat(e.isPartInUse()).as(e.message()).isTrue());
            server.release("go");
            assertThat(first.get(WAIT_SECONDS, TimeUnit.SECONDS).isOk()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("sub/file.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
        }
    }

    @Test
    void theLockIsFreedWhenTheJobEndsSoALaterRunResumes() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(0, SIZE)))) {
            for (int i = 0; i < 2; i++) {
                Report report = Downloader.builder(client).directory(dir).build()
                        .run(List.of(new DownloadJob(server.uri("/a.bin"), Path.of("a.bin"), Optional.empty())));
                assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            }
            assertThat(PartLock.tryLock(dir.resolve("a.bin.part"))).isPresent().get().satisfies(PartLock::release);
        }
    }

    /** The lock holds across processes: a child JVM holding a part's lock keeps this one from it. */
    @Test
    void anotherProcessHoldingThePartKeepsThisOneFromIt() throws Exception {
        Path part = dir.resolve("x.bin.part");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HoldPartLock.class.getName(), part.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("locked");

            assertThat(PartLock.tryLock(part)).isEmpty();
            assertThat(PartLock.tryLock(dir.resolve("y.bin.part"))).isPresent().get().satisfies(PartLock::release);

            child.getOutputStream().close(); // the child exits: the kernel drops its lock
            assertThat(child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        Optional<PartLock> mine = PartLock.tryLock(part);
        assertThat(mine).isPresent();
        mine.get().release();
    }

    /** Run by the test above in a child JVM: locks the part named, says so, and holds it until stdin closes. */
    static final class HoldPartLock {
        public static void main(String[] args) throws Exception {
            Optional<PartLock> lock = PartLock.tryLock(Path.of(args[0]));
            System.out.println(lock.isPresent() ? "locked" : "not locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our stdin
            }
        }
    }
}
