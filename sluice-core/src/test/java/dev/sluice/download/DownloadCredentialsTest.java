package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A URL with user information is downloaded with Basic authentication, and the report, which
 * is kept, names it without the password; hosts java.net.URI leaves unparsed keep a per-host
 * limit of their own.
 */
class DownloadCredentialsTest {
    @TempDir
    Path dir;

    @Test
    void theReportNamesTheUrlWithoutItsPassword() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("secret file"))));
             Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build()) {
            URI url = URI.create("http://alice:s3cr3t@127.0.0.1:" + server.port() + "/f.txt");
            Report report = Downloader.builder(client).directory(dir).build()
                    .run(List.of(new DownloadJob(url, Path.of("f.txt"), Optional.empty())));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readString(dir.resolve("f.txt"))).isEqualTo("secret file");
            assertThat(server.awaitRequests(1, Duration.ofSeconds(10)).getFirst().header("Authorization"))
                    .isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:s3cr3t".getBytes(StandardCharsets.UTF_8)));
            assertThat(report.toJson()).doesNotContain("s3cr3t").contains("alice:***@127.0.0.1");
        }
    }

    @Test
    void aHostJavaNetUriLeavesUnparsedIsItsOwnKeyOfThePerHostLimit() {
        assertThat(Downloader.hostOf(URI.create("http://my_host:8080/x"))).isEqualTo("my_host");
        assertThat(Downloader.hostOf(URI.create("http://u:p@Other_Host/x"))).isEqualTo("other_host");
        assertThat(Downloader.hostOf(URI.create("http://Example.org:81/x"))).isEqualTo("example.org");
    }

    @Test
    void anInternationalHostIsOneKeyOfThePerHostLimitHoweverItIsWritten() {
        assertThat(Downloader.hostOf(URI.create("http://b\u00fccher.example/x"))).isEqualTo("xn--bcher-kva.example");
        assertThat(Downloader.hostOf(URI.create("http://B%C3%BCcher.example:8080/x"))).isEqualTo("xn--bcher-kva.example");
        assertThat(Downloader.hostOf(URI.create("http://XN--bcher-kva.example/x"))).isEqualTo("xn--bcher-kva.example");
    }
}
