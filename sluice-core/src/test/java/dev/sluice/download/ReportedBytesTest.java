package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's {@code bytes} is the size of the file at {@code path} when the item is ok, and
 * what its {@code NAME.part} holds when it is not: never the bytes received over all attempts.
 */
class ReportedBytesTest {
    private static final int LENGTH = 200_000;
    private static final int CUT = 70_000;
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

    private static List<DownloadJob> job(ScriptedServer server) {
        return List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty()));
    }

    @Test
    void aRetryThatStartsOverCountsTheFileOnce() throws Exception {
        // No validator: the retry cannot resume and fetches all of it again (270,000 bytes received).
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, "Content-Length: " + LENGTH))
                        .sendPattern(CUT).close())
                .onEveryRequest((req, r) -> r.send(Responses.head(200, "Content-Length: " + LENGTH)).sendPattern(LENGTH)))) {
            Report report = downloader().build().run(job(server));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(2);
            assertThat(item.bytes()).isEqualTo(LENGTH).isEqualTo(Files.size(dir.resolve("file.bin")));
            assertThat(report.totalBytes()).isEqualTo(LENGTH);
        }
    }

    @Test
    void aResumedFileCountsWhole() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"v1\""))
                        .sendPattern(CUT).close())
                .onEveryRequest((req, r) -> r.send(Responses.head(206, "Content-Length: " + (LENGTH - CUT), "ETag: \"v1\"",
                        "Content-Range: bytes " + CUT + "-" + (LENGTH - 1) + "/" + LENGTH)).sendPattern(CUT, LENGTH - CUT)))) {
            Report report = downloader().build().run(job(server));

            assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=" + CUT + "-");
            assertThat(report.items().get(0).bytes()).isEqualTo(LENGTH);
            assertThat(report.totalBytes()).isEqualTo(LENGTH);
        }
    }

    @Test
    void aFailedItemCountsWhatItsPartFileHoldsFromThisRunAndEarlierOnes() throws Exception {
        // An earlier run left 30,000 bytes; this one resumes, gets 10,000 more, and is cut off.
        int held = 30_000;
        PartFile part = new PartFile(dir.resolve("file.bin"));
        Files.write(part.path(), PatternBytes.bytes(0, held));
        assumeTrue(part.storeAttribute("sluice.validator", "\"v1\""), "no extended attributes here");
        part.storeSource(new PartFile.Source(Optional.of("\"v1\""), OptionalLong.of(LENGTH)));
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(206, "Content-Length: " + (LENGTH - held), "ETag: \"v1\"",
                        "Content-Range: bytes " + held + "-" + (LENGTH - 1) + "/" + LENGTH))
                .sendPattern(held, 10_000).close()))) {
            Report report = downloader().resume(true).retryPolicy(RetryPolicy.of(0)).build().run(job(server));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.bytes()).isEqualTo(held + 10_000).isEqualTo(Files.size(part.path()));
            assertThat(report.totalBytes()).isEqualTo(held + 10_000);
        }
    }

    @Test
    void aFailedItemWithoutAPartFileCountsNothing() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(404, "no"))))) {
            Report report = downloader().build().run(job(server));

            assertThat(report.items().get(0).bytes()).isZero();
            assertThat(report.totalBytes()).isZero();
        }
    }
}
