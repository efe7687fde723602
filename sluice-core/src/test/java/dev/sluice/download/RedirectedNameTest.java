package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A redirect to a URL whose path gives no name keeps the name the original URL gave. */
class RedirectedNameTest {
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void aRedirectToADirectoryLikeUrlKeepsTheOriginalName() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().startsWith("/h/")) {
                r.send(Responses.status(302, "", "Location: /files/dir/"));
            } else {
                r.send(Responses.ok("payload"));
            }
        }))) {
            Report report = Downloader.builder(client).directory(dir).build()
                    .run(List.of(DownloadJob.of(server.uri("/h/orig.txt"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("orig.txt").toString());
            assertThat(Files.readString(dir.resolve("orig.txt"))).isEqualTo("payload");
        }
    }

    @Test
    void theFinalUrlsNameComesFirstThenTheOriginalsThenIndexHtml() {
        URI original = URI.create("http://h/h/orig.txt");
        assertThat(FileNames.choose(URI.create("http://h/files/real.bin"), original, null)).isEqualTo("real.bin");
        assertThat(FileNames.choose(URI.create("http://h/files/dir/"), original, null)).isEqualTo("orig.txt");
        assertThat(FileNames.choose(URI.create("http://h/files/dir/"), URI.create("http://h/"), null)).isEqualTo("index.html");
        assertThat(FileNames.choose(URI.create("http://h/files/dir/"), original, "attachment; filename=cd.txt"))
                .isEqualTo("cd.txt");
    }
}
