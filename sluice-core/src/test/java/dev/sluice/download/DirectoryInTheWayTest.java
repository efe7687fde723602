package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory at a job's final path fails the job before any request: found after the
 * download, it failed the rename, with the whole file fetched for nothing and a part left.
 */
class DirectoryInTheWayTest {
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void aNameFromTheUrlThatIsADirectoryFailsTheJobWithoutARequest() throws Exception {
        Files.createDirectory(dir.resolve("data"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            Report report = Downloader.builder(client).directory(dir).sleeper(d -> { }).build()
                    .run(List.of(DownloadJob.of(server.uri("/data")), DownloadJob.of(server.uri("/other.txt"))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.error().kind()).isEqualTo("io");
            assertThat(item.error().message()).isEqualTo(server.uri("/data") + ": " + dir.resolve("data") + " is a directory");
            assertThat(report.items().get(1).ok()).isTrue();
            assertThat(server.requests()).hasSize(1);
            assertThat(dir.resolve("data.part")).doesNotExist();
        }
    }

    @Test
    void aTargetBelowAFileFailsTheJobWithoutARequest() throws Exception {
        Files.writeString(dir.resolve("a"), "a file");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            Report report = Downloader.builder(client).directory(dir).sleeper(d -> { }).build()
                    .run(List.of(new DownloadJob(server.uri("/x"), Path.of("a/b"), java.util.Optional.empty())));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.error().kind()).isEqualTo("io");
            assertThat(item.error().message()).isEqualTo(server.uri("/x") + ": " + dir.resolve("a/b") + ": "
                    + dir.resolve("a") + " is not a directory");
            assertThat(server.requests()).isEmpty();
        }
    }
}
