package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.Nginx;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real nginx: keep-alive, gzip, ranges, TLS with the test CA and a large file. */
@Tag("interop")
class NginxInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long LARGE = 64L << 20;
    private static final TestCertificates CERTS = TestCertificates.shared();

    private static Nginx nginx;

    @BeforeAll
    static void startNginx() throws IOException {
        assumeTrue(Nginx.isAvailable(), "nginx not installed; run scripts/ensure-nginx.sh");
        nginx = Nginx.start(o -> o.tls(CERTS));
        Files.writeString(nginx.root().resolve("a.txt"), "hello from nginx\n");
        Files.writeString(nginx.root().resolve("b.txt"), "second file\n");
        Files.writeString(nginx.root().resolve("text.txt"), TruncatedAndGarbledResponseTest.text(200_000));
        PatternBytes.writeFile(nginx.root().resolve("large.bin"), LARGE);
        PatternBytes.writeFile(nginx.root().resolve("small.bin"), 100);
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void keepAliveReusesOneNginxConnection() throws IOException {
        try (Client client = Client.newClient()) {
            int before = nginx.accessLog().size();
            for (String path : List.of("/a.txt", "/b.txt", "/a.txt")) {
                try (Response r = client.send(Request.get(nginx.uri(path)))) {
                    r.raiseForStatus();
                    assertThat(r.body().text()).isNotEmpty();
                }
            }
            List<Nginx.AccessLogEntry> log = nginx.awaitAccessLog(before + 3, WAIT).subList(before, before + 3);
            assertThat(log).extracting(Nginx.AccessLogEntry::connection).containsOnly(log.getFirst().connection());
            assertThat(log).extracting(Nginx.AccessLogEntry::connectionRequests).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void gzipFromNginxIsDecoded() throws IOException {
        String expected = Files.readString(nginx.root().resolve("text.txt"));
        try (Client client = Client.newClient(); Response r = client.send(Request.get(nginx.uri("/text.txt")))) {
            assertThat(r.headers().first("Content-Encoding")).contains("gzip");
            assertThat(r.body().isDecoded()).isTrue();
            assertThat(r.body().text()).isEqualTo(expected);
        }
    }

    @Test
    void aRangeRequestGetsThePartialContent() throws IOException {
        try (Client client = Client.newClient();
             Response r = client.send(Request.newBuilder(nginx.uri("/small.bin")).header("Range", "bytes=10-19").build())) {
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.headers().first("Content-Range")).contains("bytes 10-19/100");
            assertThat(r.body().bytes()).isEqualTo(PatternBytes.bytes(10, 10));
        }
    }

    @Test
    void tlsToNginxWithTheTestCaWorksAndIsReused(@TempDir Path dir) throws IOException {
        try (Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
            int before = nginx.accessLog().size();
            for (String path : List.of("/a.txt", "/b.txt")) {
                try (Response r = client.send(Request.get(nginx.tlsUri(path)))) {
                    assertThat(r.raiseForStatus().body().text()).isNotEmpty();
                }
            }
            List<Nginx.AccessLogEntry> log = nginx.awaitAccessLog(before + 2, WAIT).subList(before, before + 2);
            assertThat(log).extracting(Nginx.AccessLogEntry::scheme).containsOnly("https");
            assertThat(log.get(0).connection()).isEqualTo(log.get(1).connection());
        }
        try (Client client = Client.builder().sslContext(CERTS.clientContext()).build();
             Response r = client.send(Request.get("https://localhost:" + nginx.tlsPort() + "/a.txt"))) {
            assertThat(r.body().text()).isEqualTo("hello from nginx\n");
        }
    }

    @Test
    void aLargeFileArrivesIntactThroughTransferToPath(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("large.bin");
        try (Client client = Client.newClient(); Response r = client.send(Request.get(nginx.uri("/large.bin")))) {
            assertThat(r.body().contentLength()).hasValue(LARGE);
            assertThat(r.body().transferTo(target)).isEqualTo(LARGE);
        }
        try (var in = Files.newInputStream(target)) {
            assertThat(PatternBytes.verify(in, 0)).isEqualTo(LARGE);
        }
    }

    @Test
    void aLargeFileOverTlsArrivesIntact() throws IOException {
        try (Client client = Client.builder().sslContext(CERTS.clientContext()).build();
             Response r = client.send(Request.get(nginx.tlsUri("/large.bin")))) {
            assertThat(PatternBytes.verify(r.body().stream(), 0)).isEqualTo(LARGE);
        }
    }
}
