package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sluice offers ALPN "http/1.1" (RFC 7301), the one protocol it speaks: a server that speaks
 * both picks it, and one that speaks only HTTP/2 refuses the handshake with
 * no_application_protocol, which names the cause. Without ALPN such a server answered with
 * HTTP/2 frames ("expected HTTP/ at the start of the status line, got NUL") or a canned 403.
 */
class AlpnTest {
    private static final TestCertificates CERTS = TestCertificates.shared();
    @TempDir
    Path dir;

    /** Serves one connection with {@code protocols} for ALPN; completes with the protocol chosen, or the server's failure. */
    private static CompletableFuture<String> serveOnce(SSLServerSocket server) {
        CompletableFuture<String> chosen = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.startHandshake();
                InputStream in = s.getInputStream();
                byte[] head = new byte[4096];
                int n = 0;
                while (n < 4 || !new String(head, 0, n, StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int r = in.read(head, n, head.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                chosen.complete(s.getApplicationProtocol());
            } catch (IOException e) {
                chosen.completeExceptionally(e);
            }
        });
        return chosen;
    }

    private static SSLServerSocket server(String... protocols) throws IOException {
        SSLServerSocket server = (SSLServerSocket) CERTS.serverContext().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SSLParameters params = server.getSSLParameters();
        params.setApplicationProtocols(protocols);
        server.setSSLParameters(params);
        return server;
    }

    @Test
    void aServerOfBothProtocolsPicksHttp11() throws Exception {
        try (SSLServerSocket server = server("h2", "http/1.1");
             Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
            CompletableFuture<String> chosen = serveOnce(server);
            try (Response r = client.send(Request.get("https://127.0.0.1:" + server.getLocalPort() + "/"))) {
                assertThat(r.body().text()).isEqualTo("ok");
            }
            assertThat(chosen.get(10, TimeUnit.SECONDS)).isEqualTo("http/1.1");
        }
    }

    @Test
    void anHttp2OnlyServerRefusesTheHandshakeAndSaysWhy() throws Exception {
        try (SSLServerSocket server = server("h2");
             Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
            serveOnce(server);
            String url = "https://127.0.0.1:" + server.getLocalPort() + "/";
            try (Response r = client.send(Request.get(url))) {
                throw new AssertionError("the handshake succeeded: " + r);
            } catch (ConnectFailedException e) {
                assertThat(e).hasMessageStartingWith(url + ": ")
                        .hasMessageContaining("(TLS alert no_application_protocol): it speaks no protocol sluice offers");
                assertThat(e.isPermanent()).isTrue();
            }
        }
    }
}
