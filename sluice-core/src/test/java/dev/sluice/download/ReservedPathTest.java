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
 * A reserved path (a report, a list of URLs) is written by no job, neither as its file nor as
 * its {@code NAME.part}: a name that would hit it is numbered.
 */
class ReservedPathTest {
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void aReservedPathOrOneWhosePartIsReservedIsNeverWritten() throws Exception {
        String report = "Content-Disposition: attachment; filename=\"r.json\"";
        String part = "Content-Disposition: attachment; filename=\"b.txt\"";
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(200, "new", req.target().equals("/1") ? report : part))))) {
            Report result = Downloader.builder(client).directory(dir)
                    .reserve(dir.resolve("r.json")).reserve(dir.resolve("sub/../b.txt.part")).build()
                    .run(List.of(DownloadJob.of(server.uri("/1")), DownloadJob.of(server.uri("/2"))));

            assertThat(result.isOk()).as("%s", result.toJson()).isTrue();
            assertThat(result.items()).extracting(Report.Item::path)
                    .containsExactly(dir.resolve("r.1.json").toString(), dir.resolve("b.1.txt").toString());
            assertThat(dir.resolve("r.json")).doesNotExist();
            assertThat(dir.resolve("b.txt.part")).doesNotExist();
        }
    }

    @Test
    void aUrlNameThatIsReservedIsNumberedInTheLibrary() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("new"))))) {
            Report result = Downloader.builder(client).directory(dir).reserve(dir.resolve("list.txt")).build()
                    .run(List.of(DownloadJob.of(server.uri("/list.txt"))));

            assertThat(result.items().get(0).path()).isEqualTo(dir.resolve("list.1.txt").toString());
            assertThat(dir.resolve("list.txt")).doesNotExist();
        }
    }

    /**
     * Reserved paths are resolved once, and names compared before any file-system call: a
     * reserved path given through a link to the directory still stops a job whose name is
     * the same entry, and the part of a name is still compared with it.
     */
    @Test
    void aReservedPathGivenThroughALinkToTheDirectoryIsStillTheSameEntry() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("new"))))) {
            Report result = Downloader.builder(client).directory(real)
                    .reserve(link.resolve("list.txt")).reserve(link.resolve("other.txt.part")).build()
                    .run(List.of(DownloadJob.of(server.uri("/list.txt")), DownloadJob.of(server.uri("/other.txt")),
                            DownloadJob.of(server.uri("/free.txt"))));

            assertThat(result.isOk()).as("%s", result.toJson()).isTrue();
            assertThat(result.items()).extracting(Report.Item::path).containsExactly(real.resolve("list.1.txt").toString(),
                    real.resolve("other.1.txt").toString(), real.resolve("free.txt").toString());
            assertThat(real.resolve("list.txt")).doesNotExist();
        }
    }
}
