package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error message of a report item starts with the item's URL (its {@code url} field),
 * also when the job was redirected and the failure names the URL it was redirected to (found
 * by the review: only a local error got the job's URL in front).
 */
class RedirectedErrorUrlTest {
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10))
            .connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Report.Item run(String url) throws InterruptedException {
        return Downloader.builder(client).directory(dir).retryPolicy(RetryPolicy.of(0)).build()
                .run(List.of(DownloadJob.of(java.net.URI.create(url)))).items().get(0);
    }

    private static ScriptedServer redirectingTo(String location) throws Exception {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.status(302, "", "Location: " + location))));
    }

    @Test
    void aRedirectToAnotherServersNotFoundStartsWithTheItemsUrl() throws Exception {
        try (var other = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(404, ""))));
             var server = redirectingTo(other.uri("/moved.bin").toString())) {
            String url = server.uri("/f.bin").toString();
            Report.Item item = run(url);

            assertThat(item.ok()).isFalse();
            assertThat(item.url()).isEqualTo(url);
            assertThat(item.error().kind()).isEqualTo("http");
            assertThat(item.error().message()).startsWith(url + ": ").contains(other.uri("/moved.bin").toString());
        }
    }

    @Test
    void aRedirectToARefusedPortStartsWithTheItemsUrl() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closedPort = s.getLocalPort();
        }
        String target = "http://127.0.0.1:" + closedPort + "/moved.bin";
        try (var server = redirectingTo(target)) {
            String url = server.uri("/f.bin").toString();
            Report.Item item = run(url);

            assertThat(item.ok()).isFalse();
            assertThat(item.error().kind()).isEqualTo("connect");
            assertThat(item.error().message()).startsWith(url + ": ").contains(target);
        }
    }

    @Test
    void aMessageThatStartsWithTheItemsUrlGetsItOnce() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(404, ""))))) {
            String url = server.uri("/f.bin").toString();
            Report.Item item = run(url);

            assertThat(item.error().message()).startsWith(url + ": ").doesNotContain(url + ": " + url);
        }
    }
}
