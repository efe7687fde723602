package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A body delimited by the close of a TLS connection is complete only once the server's
 * close_notify has come (RFC 9112 §9.8): a TCP close without it is a truncation, which anyone
 * on the path can make. These tests also pin the JDK behaviour that tells the two apart
 * (see Connection.readTls), over TLS 1.3 and 1.2, and check that a keep-alive connection
 * the server drops without a close_notify while it is idle is simply replaced.
 */
class TlsCloseNotifyTest {
    private static final TestCertificates CERTS = TestCertificates.shared();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CLOSE_DELIMITED = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello, partial";

    private static Client newClient() {
        return Client.builder().sslContext(CERTS.clientContext()).readTimeout(WAIT).build();
    }

    @Test
    void aCloseDelimitedBodyCutWithoutCloseNotifyIsAViolation() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c.expectRequest()
                .send(CLOSE_DELIMITED).closeWithoutCloseNotify()));
             Client client = newClient();
             Response r = client.send(Request.get(server.uri("/cut")))) {
            assertThat(r.status()).isEqualTo(200);
            assertThatThrownBy(() -> r.body().text())
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining(server.uri("/cut").toString())
                    .hasMessageContaining("close_notify")
                    // A close, not invalid data: the words said so before the close's own.
                    .message().doesNotContain("TLS data is invalid");
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    /**
     * Closed without a close_notify before a byte of the response: nothing can have been cut
     * short, so the words are those of a plain close (they said "what it sent may have been cut
     * short" when nothing was sent). A new connection, so no retry hides it.
     */
    @Test
    void aCloseWithoutCloseNotifyBeforeTheStatusLineIsAClose() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c.expectRequest()
                .closeWithoutCloseNotify()));
             Client client = newClient()) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/none"))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageStartingWith(server.uri("/none") + ": connection closed before the status line");
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    @Test
    void aCloseDelimitedBodyEndedWithCloseNotifyIsComplete() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c.expectRequest()
                .send(CLOSE_DELIMITED).close()));
             Client client = newClient();
             Response r = client.send(Request.get(server.uri("/whole")))) {
            assertThat(r.body().text()).isEqualTo("hello, partial");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void theCloseNotifyDecidesOverEachProtocolVersion(String protocol) throws Exception {
        try (Client client = newClient()) {
            try (var server = new OneShotTlsServer(protocol, true);
                 Response r = client.send(Request.get(server.uri()))) {
                assertThat(r.body().text()).isEqualTo("hello, partial");
                assertThat(server.negotiated()).isEqualTo(protocol);
            }
            try (var server = new OneShotTlsServer(protocol, false);
                 Response r = client.send(Request.get(server.uri()))) {
                assertThatThrownBy(() -> r.body().text()).isInstanceOf(ProtocolViolationException.class);
                assertThat(server.negotiated()).isEqualTo(protocol);
            }
        }
    }

    @Test
    void aKeepAliveConnectionClosedWithoutCloseNotifyWhileIdleIsReplaced() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.ok("first")).closeWithoutCloseNotify())
                .onEveryConnection(c -> c.serveRequests())
                .onEveryRequest((req, r) -> r.send(Responses.ok("again " + req.target()))));
             Client client = newClient()) {
            try (Response r = client.send(Request.get(server.uri("/1")))) {
                assertThat(r.body().text()).isEqualTo("first");
            }
            server.awaitConnections(1, WAIT);
            server.awaitOpenConnections(0, WAIT);
            for (String path : new String[] {"/2", "/3"}) {
                try (Response r = client.send(Request.get(server.uri(path)))) {
                    assertThat(r.body().text()).isEqualTo("again " + path);
                }
            }
            assertThat(server.awaitRequests(3, WAIT)).extracting(RecordedRequest::connectionIndex)
                    .containsExactly(0, 1, 1);
        }
    }

    /**
     * Answers one request with {@link #CLOSE_DELIMITED} over {@code protocol} only, then closes
     * with a close_notify or (closing the TCP socket under the TLS one) without.
     */
    private static final class OneShotTlsServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket();
        private final CompletableFuture<String> negotiated = new CompletableFuture<>();

        OneShotTlsServer(String protocol, boolean closeNotify) throws IOException {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(() -> {
                try (Socket raw = listener.accept()) {
                    SSLSocket tls = (SSLSocket) CERTS.serverContext().getSocketFactory()
                            .createSocket(raw, null, raw.getPort(), false);
                    tls.setUseClientMode(false);
                    tls.setEnabledProtocols(new String[] {protocol});
                    tls.startHandshake();
                    negotiated.complete(tls.getSession().getProtocol());
                    readHead(tls.getInputStream());
                    OutputStream out = tls.getOutputStream();
                    out.write(CLOSE_DELIMITED.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (closeNotify) {
                        tls.close(); // close_notify; raw closes after it
                    }
                } catch (IOException | RuntimeException e) {
                    negotiated.completeExceptionally(e);
                }
            });
        }

        URI uri() {
            return URI.create("https://127.0.0.1:" + listener.getLocalPort() + "/once");
        }

        String negotiated() throws Exception {
            return negotiated.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        private static void readHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            int b;
            while (matched < 4 && (b = in.read()) >= 0) {
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
