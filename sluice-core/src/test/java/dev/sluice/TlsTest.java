package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import dev.sluice.testkit.TestCertificates.ServerCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS through the JDK with certificates made by the test: a trusted CA works, every bad
 * certificate is a {@link ConnectFailedException}, {@code insecure()} accepts them, SNI and
 * host name checks use the URL's host, and hostile bytes inside TLS are still violations.
 */
class TlsTest {
    private static final TestCertificates CERTS = TestCertificates.shared();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Client trustingClient() throws IOException {
        return Client.builder().trustCertificates(CERTS.writeCaPem(dir)).readTimeout(WAIT).build();
    }

    @Test
    void aServerSignedByTheTrustedCaIsAcceptedAndItsConnectionReused() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("secure " + req.target()))));
             Client client = trustingClient()) {
            for (String path : List.of("/one", "/two")) {
                try (Response r = client.send(Request.get(server.uri(path)))) {
                    assertThat(r.uri().getScheme()).isEqualTo("https");
                    assertThat(r.body().text()).isEqualTo("secure " + path);
                }
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(req -> req.connectionIndex()).containsExactly(0, 0);
        }
    }

    @Test
    void aLargeBodyOverTlsArrivesIntact() throws IOException {
        long size = 6L << 20;
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: " + size)).sendPattern(size).awaitClientClose()));
             Client client = trustingClient();
             Response r = client.send(Request.get(server.uri("/big")))) {
            assertThat(PatternBytes.verify(r.body().stream(), 0)).isEqualTo(size);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerCertificate.class, names = {"EXPIRED", "SELF_SIGNED", "WRONG_HOST"})
    void aBadCertificateIsAConnectFailure(ServerCertificate kind) throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(kind), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("must not be read"))));
             Client client = trustingClient()) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/bad"))))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining("TLS");
            assertThat(server.requests()).isEmpty();
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    @Test
    void theJdkDefaultTrustRejectsTheTestCa() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("no"))));
             Client client = Client.newClient()) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/x")))).isInstanceOf(ConnectFailedException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerCertificate.class)
    void insecureModeAcceptsEveryCertificate(ServerCertificate kind) throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(kind), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("accepted"))));
             Client client = Client.builder().insecure().build();
             Response r = client.send(Request.get(server.uri("/any")))) {
            assertThat(r.body().text()).isEqualTo("accepted");
        }
    }

    @Test
    void theHostNameIsCheckedAgainstLocalhost() throws IOException {
        try (var good = ScriptedServer.startTls(CERTS.serverContext(), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("localhost ok"))));
             var wrong = ScriptedServer.startTls(CERTS.serverContext(ServerCertificate.WRONG_HOST), s -> s
                     .onEveryRequest((req, r) -> r.send(Responses.ok("no"))));
             Client client = trustingClient()) {
            try (Response r = client.send(Request.get("https://localhost:" + good.port() + "/h"))) {
                assertThat(r.body().text()).isEqualTo("localhost ok");
            }
            assertThat(good.awaitRequests(1, WAIT).getFirst().header("Host")).isEqualTo("localhost:" + good.port());
            assertThatThrownBy(() -> client.send(Request.get("https://localhost:" + wrong.port() + "/h")))
                    .isInstanceOf(ConnectFailedException.class);
        }
    }

    /** Whether a GET of https://HOST/ succeeds against a CA-signed certificate for exactly {@code names}. */
    private boolean fetches(String host, String... names) throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContextFor(names), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("ok"))));
             Client client = trustingClient();
             Response r = client.send(Request.get(URI.create("https://" + host + ":" + server.port() + "/")))) {
            return r.body().text().equals("ok");
        } catch (ConnectFailedException e) {
            assertThat(e.getMessage()).contains("certificate not valid for host " + host);
            return false;
        }
    }

    @Test
    void aHostWithAnUnderscoreIsCheckedAgainstItsCertificate() throws IOException {
        // The JDK's own check refuses such a name whatever the certificate says.
        assertThat(fetches("my_service.loopback.test", "my_service.loopback.test")).isTrue();
        assertThat(fetches("my_service.loopback.test", "*.loopback.test")).isTrue();
        assertThat(fetches("my_service.loopback.test", "other.loopback.test")).isFalse();
    }

    @Test
    void aWildcardCountsOnlyAsTheWholeLeftMostLabelOverTwoLabelsAtLeast() throws IOException {
        // RFC 9525 §6.3, as curl checks; the JDK accepts the last three from a CA not public.
        assertThat(fetches("ab.loopback.test", "*.loopback.test")).isTrue();
        assertThat(fetches("x.ab.loopback.test", "*.loopback.test")).isFalse();
        assertThat(fetches("ab.loopback.test", "a*.loopback.test")).isFalse();
        assertThat(fetches("ab.loopback.test", "*b.loopback.test")).isFalse();
        assertThat(fetches("ab.sluice-loopback", "*.sluice-loopback")).isFalse();
        assertThat(fetches("ab.sluice-loopback", "ab.sluice-loopback")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "sluice-loopback."})
    void theClientSendsTheUrlHostAsSniWithoutATrailingDot(String host) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) CERTS.serverContext().getServerSocketFactory().createServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<List<SNIServerName>> sni = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    sni.complete(((ExtendedSSLSession) socket.getSession()).getRequestedServerNames());
                    InputStream in = socket.getInputStream();
                    readHead(in);
                    OutputStream out = socket.getOutputStream();
                    out.write(Responses.ok("sni").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    in.read(); // until the client closes
                } catch (IOException e) {
                    sni.completeExceptionally(e);
                }
            });
            // One label and a trailing dot: the JDK on its own sends no name for it. A name of
            // the test's resolver (127.0.0.1), it is in no certificate: its client checks none.
            boolean fullyQualified = host.endsWith(".");
            try (Client client = fullyQualified ? Client.builder().insecure().readTimeout(WAIT).build() : trustingClient();
                 Response r = client.send(Request.get(URI.create("https://" + host + ":" + listener.getLocalPort() + "/")))) {
                assertThat(r.body().text()).isEqualTo("sni");
            }
            assertThat(sni.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                    .containsExactly(new SNIHostName(fullyQualified ? host.substring(0, host.length() - 1) : host));
        }
    }

    @Test
    void aBodyCutShortOverTlsIsAViolation() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(1000).close()));
             Client client = trustingClient();
             Response r = client.send(Request.get(server.uri("/cut")))) {
            assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(ProtocolViolationException.class);
        }
    }

    @Test
    void aTcpCloseWithoutCloseNotifyMidBodyIsAViolation() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(1000).closeWithoutCloseNotify()));
             Client client = trustingClient();
             Response r = client.send(Request.get(server.uri("/cut")))) {
            assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(ProtocolViolationException.class);
        }
    }

    @Test
    void garbageInsideTlsIsAViolation() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c.expectRequest()
                .send("SSH-2.0-OpenSSH_9.6\r\n\r\n").awaitClientClose()));
             Client client = trustingClient()) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/g")))).isInstanceOf(ProtocolViolationException.class);
            server.awaitClientClose(0, WAIT);
        }
    }

    @Test
    void aPlainHttpServerOnAnHttpsUrlIsAConnectFailure() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c
                .send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").close()));
             Client client = trustingClient()) {
            assertThatThrownBy(() -> client.send(Request.get("https://127.0.0.1:" + server.port() + "/")))
                    .isInstanceOf(ConnectFailedException.class);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    @Test
    void aPostOverTlsGoesOutOnANewConnectionWhenTheServerClosedThePooledOne() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.ok("first")).close())
                .onEveryConnection(c -> c.serveRequests())
                .onEveryRequest((req, r) -> r.send(Responses.ok(req.method() + " on a new connection"))));
             Client client = trustingClient()) {
            try (Response r = client.send(Request.get(server.uri("/1")))) {
                assertThat(r.body().text()).isEqualTo("first");
            }
            server.awaitOpenConnections(0, WAIT); // closed with a close_notify
            try (Response r = client.send(Request.post(server.uri("/post").toString(), RequestBody.ofString("once")))) {
                assertThat(r.body().text()).isEqualTo("POST on a new connection");
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(req -> req.connectionIndex()).containsExactly(0, 1);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // a hang guard: the watchdog itself could block on a close_notify
    void anIdleTlsConnectionWhosePeerLeftOurBytesUnreadExpiresWithoutStoppingTheWatchdog() throws IOException {
        // The server answers a PUT before reading its body and keeps the connection: the body
        // sits in the socket buffers, so a close_notify on that connection could not go out.
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s
                .onConnection(0, c -> c.expectRequestHead().send(Responses.ok("early")).stallUntil("never").close())
                .onEveryConnection(c -> c.expectRequest().stallUntil("never").close()));
             Client client = Client.builder().sslContext(CERTS.clientContext()).idleTimeout(Duration.ofMillis(200))
                     .readTimeout(Duration.ofSeconds(1)).build()) {
            Request put = Request.newBuilder(server.uri("/up").toString()).header("Expect", "")
                    .method("PUT", RequestBody.ofBytes(new byte[1 << 20])).build();
            try (Response r = client.send(put)) {
                assertThat(r.body().text()).isEqualTo("early");
            }
            // The idle timeout closes that connection on the watchdog's thread; the watchdog
            // must still end the next request's silence as a read timeout.
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/silent"))))
                    .isInstanceOf(ReadTimeoutException.class);
            server.release("never");
        }
    }
}
