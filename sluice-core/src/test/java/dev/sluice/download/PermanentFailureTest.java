package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import dev.sluice.testkit.TestCertificates.ServerCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure the next attempt would meet again (a rejected certificate, a redirect loop, too
 * many redirects, a Location that cannot be followed) ends the job at its first attempt.
 */
class PermanentFailureTest {
    @TempDir
    Path dir;
    private final List<Duration> slept = new CopyOnWriteArrayList<>();

    private Report.Item download(Client client, java.net.URI uri) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Report report = Downloader.builder(client).directory(out).sleeper(slept::add).retryPolicy(RetryPolicy.of(3))
                .build().run(List.of(DownloadJob.of(uri)));
        return report.items().getFirst();
    }

    @Test
    void redirectFailuresAreNotRetried() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(switch (req.target()) {
            case "/loop" -> Responses.status(302, "", "Location: /loop");
            case "/ftp" -> Responses.status(301, "", "Location: ftp://127.0.0.1/file");
            default -> Responses.status(302, "", "Location: /r" + (Integer.parseInt(req.target().substring(2)) + 1));
        })));
             Client client = Client.builder().maxRedirects(2).build()) {
            for (String path : new String[] {"/loop", "/ftp", "/r0"}) {
                Report.Item item = download(client, server.uri(path));
                assertThat(item.ok()).as(path).isFalse();
                assertThat(item.error().kind()).as(path).isEqualTo("protocol");
                assertThat(item.attempts()).as(path + ": " + item.error().message()).isEqualTo(1);
                // The report's httpStatus is the last status seen: the redirect that was not followed.
                assertThat(item.httpStatus()).as(path).isEqualTo(path.equals("/ftp") ? 301 : 302);
            }
            assertThat(slept).isEmpty();
        }
    }

    @Test
    void aRejectedCertificateIsNotRetried() throws Exception {
        TestCertificates certs = TestCertificates.shared();
        try (var server = ScriptedServer.startTls(certs.serverContext(ServerCertificate.WRONG_HOST), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("never"))));
             Client client = Client.builder().trustCertificates(certs.writeCaPem(dir)).build()) {
            Report.Item item = download(client, server.uri("/file.bin"));
            assertThat(item.error().kind()).isEqualTo("connect");
            assertThat(item.attempts()).as(item.error().message()).isEqualTo(1);
            assertThat(slept).isEmpty();
        }
    }

    @Test
    void aConnectionClosedDuringTheHandshakeIsStillRetried() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.close()));
             Client client = Client.newClient()) {
            Report.Item item = download(client, java.net.URI.create("https://127.0.0.1:" + server.port() + "/f"));
            assertThat(item.error().kind()).isEqualTo("connect");
            assertThat(item.attempts()).isEqualTo(4);
            assertThat(slept).hasSize(3);
        }
    }
}
