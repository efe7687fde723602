package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory given as {@code lnk/../out}, where {@code lnk} is a symbolic link to {@code a/b}:
 * the file system reads it as {@code a/out} (as mkdir, curl and wget do), not as the {@code out}
 * its text normalises to. Files go where the file system puts them, and the check that no
 * name leads out of the directory is made against that directory, not another.
 */
class DirectoryThroughLinkTest {
    @TempDir
    Path tmp;
    /** {@code tmp/lnk/../out}: {@code tmp/a/out} to the file system. */
    private Path dir;
    private Path real;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void directories() throws IOException {
        Files.createDirectories(tmp.resolve("a/b"));
        Files.createSymbolicLink(tmp.resolve("lnk"), Path.of("a/b"));
        dir = tmp.resolve("lnk/../out");
        real = tmp.resolve("a/out");
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Report run(ScriptedServer server, DownloadJob... jobs) throws InterruptedException {
        return Downloader.builder(client).directory(dir).retryPolicy(RetryPolicy.of(0)).build().run(List.of(jobs));
    }

    private static ScriptedServer okServer() throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("data of " + req.target()))));
    }

    @Test
    void aDotDotAfterALinkOrAFileIsKeptAndOtherDotSegmentsGo() throws IOException {
        assertThat(FileNames.normalize(dir)).isEqualTo(dir);
        assertThat(FileNames.normalize(tmp.resolve("lnk/./../out/x/.."))).isEqualTo(dir);
        assertThat(FileNames.normalize(tmp.resolve("a/b/../out"))).isEqualTo(real);
        assertThat(FileNames.normalize(tmp.resolve("missing/../out"))).isEqualTo(tmp.resolve("out"));
        assertThat(FileNames.normalize(tmp.resolve("lnk/../out/x/.."))).isEqualTo(dir);
        Files.writeString(tmp.resolve("plain"), "a file");
        assertThat(FileNames.normalize(tmp.resolve("plain/../out"))).isEqualTo(tmp.resolve("plain/../out"));
        assertThat(FileNames.normalize(tmp.resolve("a/./b/../../out"))).isEqualTo(tmp.resolve("out"));
        assertThat(FileNames.normalize(Path.of("."))).isEqualTo(Path.of(""));
        assertThat(FileNames.normalize(Path.of("../x/../y"))).isEqualTo(Path.of("../y"));
        assertThat(FileNames.normalize(Path.of("/../x"))).isEqualTo(Path.of("/x"));
    }

    @Test
    void filesGoWhereTheFileSystemReadsTheDirectoryEvenWhenItsTextNamesAnotherThatExists() throws Exception {
        // tmp/out is what the text normalises to; it must be neither written nor taken for DIR.
        Files.createDirectory(tmp.resolve("out"));
        try (var server = okServer()) {
            Report report = run(server, DownloadJob.of(server.uri("/top.bin")),
                    new DownloadJob(server.uri("/sub.bin"), Path.of("sub/f.bin"), Optional.empty()));

            assertThat(report.items()).allSatisfy(item -> assertThat(item.ok()).as("%s", report.toJson()).isTrue());
            assertThat(report.items()).extracting(Report.Item::path)
                    .containsExactly(dir.resolve("top.bin").toString(), dir.resolve("sub/f.bin").toString());
            assertThat(real.resolve("top.bin")).hasContent("data of /top.bin");
            assertThat(real.resolve("sub/f.bin")).hasContent("data of /sub.bin");
            assertThat(tmp.resolve("out")).isEmptyDirectory();
        }
    }

    @Test
    void aNameThroughALinkOutOfTheDirectoryTheFileSystemReadsIsRefused() throws Exception {
        // Nothing at tmp/out: read as text, DIR would not exist, and no link in it be found.
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.createDirectories(real);
        Files.createSymbolicLink(real.resolve("esc"), outside);
        try (var server = okServer()) {
            Report report = run(server, new DownloadJob(server.uri("/evil.bin"), Path.of("esc/evil.bin"), Optional.empty()));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.error().kind()).isEqualTo("io");
            assertThat(item.error().message()).contains("leads out of the directory " + dir + " through a symbolic link");
            assertThat(outside).isEmptyDirectory();
            assertThat(server.connectionCount()).isZero();
            assertThat(FileNames.staysInside(dir, dir.resolve("esc/evil.bin"))).isFalse();
            assertThat(FileNames.staysInside(dir, dir.resolve("sub/ok.bin"))).isTrue();
        }
    }

    @Test
    void theSameEntryIsFoundThroughTheLinkAndByItsRealPath() throws IOException {
        Files.createDirectories(real);
        Files.createDirectory(tmp.resolve("out"));

        assertThat(FileNames.sameEntry(dir.resolve("r.json"), real.resolve("r.json"))).isTrue();
        assertThat(FileNames.sameEntry(dir.resolve("r.json"), tmp.resolve("out/r.json"))).isFalse();
        assertThat(new PathEntry(real.resolve("r.json")).isEntryOf(dir.resolve("r.json"))).isTrue();
        assertThat(new PathEntry(dir.resolve("r.json")).isEntryOf(tmp.resolve("out/r.json"))).isFalse();
    }
}
