package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run says of, and does to, the local files around a download: an io error's message
 * names the URL as every other kind's does, and a symbolic link at a final path lends the new
 * file nothing of what it points to.
 */
class LocalErrorInReportTest {
    @TempDir
    Path tmp;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void anIoErrorsMessageStartsWithTheUrl() throws Exception {
        Files.createDirectory(tmp.resolve("a.txt.part")); // the part file cannot be opened
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            String url = server.uri("/a.txt").toString();
            Report report = Downloader.builder(client).directory(tmp).retryPolicy(RetryPolicy.of(0)).build()
                    .run(List.of(DownloadJob.of(server.uri("/a.txt"))));

            Report.Error error = report.items().get(0).error();
            assertThat(error.kind()).isEqualTo("io");
            assertThat(error.message()).startsWith(url + ": ").contains("a.txt.part");
        }
    }

    @Test
    void anIoErrorsMessageHidesThePasswordOfTheUrl() throws Exception {
        Files.createDirectory(tmp.resolve("a.txt.part"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            var uri = java.net.URI.create("http://user:secret@127.0.0.1:" + server.port() + "/a.txt");
            Report report = Downloader.builder(client).directory(tmp).retryPolicy(RetryPolicy.of(0)).build()
                    .run(List.of(DownloadJob.of(uri)));

            assertThat(report.items().get(0).error().message()).doesNotContain("secret").contains("a.txt.part");
        }
    }

    @Test
    void aFileReplacingALinkDoesNotTakeThePermissionsOfWhatItPointedTo() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("d"));
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "elsewhere");
        Set<PosixFilePermission> odd = PosixFilePermissions.fromString("rwx---r-x");
        Files.setPosixFilePermissions(outside, odd);
        Files.createSymbolicLink(dir.resolve("linked.txt"), outside);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("new"))))) {
            Report report = Downloader.builder(client).directory(dir).build().run(List.of(
                    new DownloadJob(server.uri("/1"), Path.of("linked.txt"), Optional.empty()),
                    new DownloadJob(server.uri("/2"), Path.of("fresh.txt"), Optional.empty())));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.isSymbolicLink(dir.resolve("linked.txt"))).isFalse();
            assertThat(Files.getPosixFilePermissions(dir.resolve("linked.txt")))
                    .isEqualTo(Files.getPosixFilePermissions(dir.resolve("fresh.txt")));
            assertThat(Files.getPosixFilePermissions(outside)).isEqualTo(odd);
            assertThat(Files.readString(outside)).isEqualTo("elsewhere");
        }
    }
}
