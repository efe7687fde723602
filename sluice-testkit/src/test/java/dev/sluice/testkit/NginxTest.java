package dev.sluice.testkit;

import static dev.sluice.testkit.RawHttp.readResponse;
import static dev.sluice.testkit.RawHttp.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("interop")
class NginxTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.shared();
    private static final String TEXT = "sluice streams bodies in constant memory.\n".repeat(200);

    @BeforeAll
    static void nginxIsInstalled() {
        assumeTrue(Nginx.isAvailable(), "nginx is not installed; run scripts/ensure-nginx.sh");
    }

    @Test
    void aFileIsServedOverPlainHttpAndOverTlsTrustingOnlyTheTestCa() throws Exception {
        try (Nginx nginx = Nginx.start(o -> o.tls(CERTS))) {
            Files.writeString(nginx.root().resolve("hello.txt"), "hello, nginx");
            HttpClient plain = HttpClient.newHttpClient();
            HttpClient tls = HttpClient.newBuilder().sslContext(CERTS.clientContext()).build();

            HttpResponse<String> overHttp = plain.send(HttpRequest.newBuilder(nginx.uri("/hello.txt")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> overTls = tls.send(HttpRequest.newBuilder(nginx.tlsUri("/hello.txt")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(overHttp.statusCode()).isEqualTo(200);
            assertThat(overHttp.body()).isEqualTo("hello, nginx");
            assertThat(overTls.statusCode()).isEqualTo(200);
            assertThat(overTls.body()).isEqualTo("hello, nginx");
            assertThat(nginx.awaitAccessLog(2, WAIT)).extracting(Nginx.AccessLogEntry::scheme)
                    .containsExactlyInAnyOrder("http", "https");
        }
    }

    @Test
    void aClientWithoutTheTestCaRejectsTheTlsListener() throws Exception {
        try (Nginx nginx = Nginx.start(o -> o.tls(CERTS))) {
            HttpClient defaultTrust = HttpClient.newHttpClient();
            assertThatThrownBy(() -> defaultTrust.send(HttpRequest.newBuilder(nginx.tlsBaseUri()).build(),
                    HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
    }

    @Test
    void textIsGzippedOnlyForClientsThatAcceptGzip() throws Exception {
        try (Nginx nginx = Nginx.start(); Socket socket = connect(nginx.port())) {
            Files.writeString(nginx.root().resolve("page.txt"), TEXT);

            write(socket, "GET /page.txt HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n");
            RawHttp.Response gzipped = readResponse(socket.getInputStream());
            write(socket, "GET /page.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawHttp.Response identity = readResponse(socket.getInputStream());

            assertThat(gzipped.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(gzipped.body().length).isLessThan(TEXT.length() / 10);
            try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
            }
            assertThat(identity.header("Content-Encoding")).isNull();
            assertThat(identity.bodyText()).isEqualTo(TEXT);
        }
    }

    @Test
    void aRangeRequestGetsPartialContentFromThatOffset() throws Exception {
        try (Nginx nginx = Nginx.start(); Socket socket = connect(nginx.port())) {
            PatternBytes.writeFile(nginx.root().resolve("big.bin"), 1 << 20);

            write(socket, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\nRange: bytes=1000-1999\r\n\r\n");
            RawHttp.Response partial = readResponse(socket.getInputStream());

            assertThat(partial.head()).startsWith("HTTP/1.1 206 Partial Content\r\n");
            assertThat(partial.header("Content-Range")).isEqualTo("bytes 1000-1999/1048576");
            PatternBytes.verify(partial.body(), 0, partial.body().length, 1000);
            assertThat(partial.body()).hasSize(1000);
        }
    }

    @Test
    void requestsOnOneSocketShareOneNginxConnectionInTheAccessLog() throws Exception {
        try (Nginx nginx = Nginx.start()) {
            Files.writeString(nginx.root().resolve("a.bin"), "aaaa");
            try (Socket socket = connect(nginx.port())) {
                for (int i = 0; i < 3; i++) {
                    write(socket, RawHttp.get("/a.bin"));
                    assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("aaaa");
                }
            }
            try (Socket socket = connect(nginx.port())) {
                write(socket, RawHttp.get("/a.bin"));
                readResponse(socket.getInputStream());
            }

            List<Nginx.AccessLogEntry> log = nginx.awaitAccessLog(4, WAIT);
            assertThat(log).extracting(Nginx.AccessLogEntry::connectionRequests).containsExactly(1L, 2L, 3L, 1L);
            assertThat(log.subList(0, 3)).extracting(Nginx.AccessLogEntry::connection)
                    .containsOnly(log.get(0).connection());
            assertThat(log.get(3).connection()).isNotEqualTo(log.get(0).connection());
            assertThat(log).extracting(Nginx.AccessLogEntry::status).containsOnly(200);
        }
    }

    @Test
    void limitRateIsWrittenIntoTheConfigurationAndTheFileStillArrivesWhole() throws Exception {
        int length = 96 * 1024;
        try (Nginx nginx = Nginx.start(o -> o.limitRate(64 * 1024)); Socket socket = connect(nginx.port())) {
            PatternBytes.writeFile(nginx.root().resolve("slow.bin"), length);
            assertThat(Files.readString(nginx.prefix().resolve("conf/nginx.conf"))).contains("limit_rate 65536;");
            write(socket, RawHttp.get("/slow.bin"));
            RawHttp.Response response = readResponse(socket.getInputStream());
            PatternBytes.verify(response.body(), 0, length, 0);
        }
    }

    @Test
    void aServedDirectoryGivenByTheTestIsUsedAsTheRoot(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("own.txt"), "mine");
        try (Nginx nginx = Nginx.start(o -> o.root(dir)
                .serverConfig("location = /old { return 301 /own.txt; }"));
                Socket socket = connect(nginx.port())) {
            write(socket, RawHttp.get("/own.txt"));
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("mine");
            write(socket, RawHttp.get("/old"));
            RawHttp.Response redirect = readResponse(socket.getInputStream());
            assertThat(redirect.head()).startsWith("HTTP/1.1 301 ");
            assertThat(redirect.header("Location")).endsWith("/own.txt");
        }
        assertThat(dir.resolve("own.txt")).exists();
    }

    @Test
    void aBadConfigFailsTheStartWithNginxsOwnMessage() {
        assertThatThrownBy(() -> Nginx.start(o -> o.serverConfig("no_such_directive on;")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown directive \"no_such_directive\"");
    }

    @Test
    void closeStopsNginxAndFreesItsPorts() throws Exception {
        Nginx nginx = Nginx.start(o -> o.tls(CERTS));
        int port = nginx.port();
        int tlsPort = nginx.tlsPort();
        Path prefix = nginx.prefix();
        nginx.close();

        assertThatThrownBy(() -> connect(port).close()).isInstanceOf(java.net.ConnectException.class);
        assertThatThrownBy(() -> connect(tlsPort).close()).isInstanceOf(java.net.ConnectException.class);
        assertThat(prefix).doesNotExist();
    }

    private static Socket connect(int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }
}
