package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's URL with dot segments: the request goes to it resolved, and the library's messages
 * name it so. The job kept the URL as given, so a failed item's message named both ("URL as
 * given: URL resolved: HTTP 404").
 */
class DotSegmentJobTest {
    @TempDir
    Path dir;

    @Test
    void aJobKeepsItsUrlAsRequestedAndItsItemNamesItOnce() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(404, ""))));
             Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build()) {
            DownloadJob job = DownloadJob.of(server.uri("/c/../x.bin"));
            assertThat(job.uri()).isEqualTo(server.uri("/x.bin"));
            assertThat(DownloadJob.of(URI.create("http://h/a/./b/../c?q=/../")).uri()).isEqualTo(URI.create("http://h/a/c?q=/../"));

            Report.Item item = Downloader.builder(client).directory(dir).retryPolicy(RetryPolicy.of(0)).build()
                    .run(List.of(job)).items().getFirst();

            assertThat(item.url()).isEqualTo(server.uri("/x.bin").toString());
            assertThat(item.error().message()).isEqualTo(server.uri("/x.bin") + ": HTTP 404 Not Found");
        }
    }
}
