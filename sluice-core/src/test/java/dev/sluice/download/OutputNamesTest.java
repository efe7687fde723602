package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.charset.StandardCharsets;
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
 * The names of one run's files never reach each other's {@code NAME.part}, and a name sluice
 * chooses leaves room for {@code .part} and a number.
 */
class OutputNamesTest {
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** Every item that says ok has its own body at its path. */
    private static void assertEachFileHoldsItsBody(Report report) throws Exception {
        assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
        for (Report.Item item : report.items()) {
            Path p = Path.of(item.path());
            assertThat(p).as("%s", report.toJson()).exists();
            assertThat(Files.readString(p)).as(item.path()).isEqualTo(item.url().substring(item.url().lastIndexOf('/')));
        }
    }

    @Test
    void aNameAndItsPartSiblingAreClaimedTogether() {
        OutputNames names = new OutputNames();
        assertThat(names.claim(dir.resolve("x"))).isEqualTo(dir.resolve("x"));
        assertThat(names.claim(dir.resolve("x.part"))).isEqualTo(dir.resolve("x.1.part"));
        assertThat(names.claim(dir.resolve("y.bin.part"))).isEqualTo(dir.resolve("y.bin.part"));
        assertThat(names.claim(dir.resolve("y.bin"))).isEqualTo(dir.resolve("y.1.bin"));
        assertThat(names.claim(dir.resolve("y.bin.part.part"))).isEqualTo(dir.resolve("y.bin.part.1.part"));
        // x.1 would stream to x.1.part, which is the second job's file.
        assertThat(names.claim(dir.resolve("x"))).isEqualTo(dir.resolve("x.2"));
    }

    @Test
    void listedNamesOfAFileAndOfItsPartFileBothArrive() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))))) {
            List<DownloadJob> jobs = List.of(
                    new DownloadJob(server.uri("/first"), Path.of("x.part"), Optional.empty()),
                    new DownloadJob(server.uri("/second"), Path.of("x"), Optional.empty()));
            Report report = Downloader.builder(client).directory(dir).concurrency(1).build().run(jobs);

            assertEachFileHoldsItsBody(report);
            assertThat(report.items()).extracting(Report.Item::path)
                    .containsExactly(dir.resolve("x.part").toString(), dir.resolve("x.1").toString());
        }
    }

    @Test
    void aServerChosenNameDoesNotTakeTheStreamingPartFileOfAnotherJob() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch otherEnded = new CountDownLatch(1);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/slowbody")) {
                // Half the body, then a pause while the other job runs its whole course.
                r.send(Responses.head(200, "Content-Length: 9")).send("/slo").stallUntil(otherEnded).send("wbody");
            } else {
                r.stallUntil(slowStarted).send(Responses.status(200, "/other",
                        "Content-Disposition: attachment; filename=\"slowbody.part\""));
            }
        }))) {
            List<DownloadJob> jobs = List.of(DownloadJob.of(server.uri("/slowbody")), DownloadJob.of(server.uri("/other")));
            Report report = Downloader.builder(client).directory(dir).concurrency(2).listener(e -> {
                if (e instanceof ProgressEvent.Started && e.job() == jobs.get(0)) {
                    slowStarted.countDown();
                } else if ((e instanceof ProgressEvent.Finished || e instanceof ProgressEvent.Failed) && e.job() == jobs.get(1)) {
                    otherEnded.countDown();
                }
            }).build().run(jobs);

            assertEachFileHoldsItsBody(report);
            assertThat(report.items()).extracting(Report.Item::path)
                    .containsExactly(dir.resolve("slowbody").toString(), dir.resolve("slowbody.1.part").toString());
        }
    }

    @Test
    void aLongNameFromTheUrlLeavesRoomForThePartSuffix() throws Exception {
        String longName = "n".repeat(FileNames.MAX_NAME_BYTES - 4) + ".bin";
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            Report report = Downloader.builder(client).directory(dir).build()
                    .run(List.of(DownloadJob.of(server.uri("/" + longName)), DownloadJob.of(server.uri("/again/" + longName))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            for (Report.Item item : report.items()) {
                String name = Path.of(item.path()).getFileName().toString();
                assertThat(name).endsWith(".bin");
                assertThat(name.getBytes(StandardCharsets.UTF_8).length + ".part".length())
                        .isLessThanOrEqualTo(FileNames.MAX_NAME_BYTES);
                assertThat(Files.readString(Path.of(item.path()))).isEqualTo("body");
            }
        }
    }

    /**
     * A target the caller chose may be as long as the file system allows with {@code .part}
     * (250 bytes); numbered as a duplicate, its stem is shortened so that the numbered name's
     * part file fits too, rather than failing once the response has come.
     */
    @Test
    void aLongTargetNumberedAsADuplicateStillLeavesRoomForThePartSuffix() throws Exception {
        String longName = "abc" + "é".repeat(121) + "d.txt"; // 250 bytes: the cut falls inside a two-byte character
        assertThat(longName.getBytes(StandardCharsets.UTF_8)).hasSize(FileNames.MAX_NAME_BYTES - ".part".length());
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))))) {
            Report report = Downloader.builder(client).directory(dir).build()
                    .run(List.of(new DownloadJob(server.uri("/one"), Path.of(longName), Optional.empty()),
                            new DownloadJob(server.uri("/two"), Path.of(longName), Optional.empty())));

            assertEachFileHoldsItsBody(report);
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve(longName).toString());
            String numbered = Path.of(report.items().get(1).path()).getFileName().toString();
            assertThat(numbered).isEqualTo("abc" + "é".repeat(120) + ".1.txt");
            assertThat(numbered.getBytes(StandardCharsets.UTF_8).length + ".part".length())
                    .isLessThanOrEqualTo(FileNames.MAX_NAME_BYTES);
        }
    }

    @Test
    void aNumberedNameIsCutBetweenCharactersAndKeepsItsExtension() {
        String name = "x".repeat(246) + ".bin"; // 250 bytes
        assertThat(OutputNames.numbered(name, 12)).isEqualTo("x".repeat(243) + ".12.bin");
        assertThat(OutputNames.numbered("a.txt", 3)).isEqualTo("a.3.txt");
        assertThat(OutputNames.numbered("README", 1)).isEqualTo("README.1");
    }
}
