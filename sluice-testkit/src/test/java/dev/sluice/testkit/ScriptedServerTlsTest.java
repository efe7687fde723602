package dev.sluice.testkit;

import static dev.sluice.testkit.RawHttp.get;
import static dev.sluice.testkit.RawHttp.readResponse;
import static dev.sluice.testkit.RawHttp.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.TestCertificates.ServerCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ScriptedServerTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.shared();

    @Test
    void aClientTrustingTheTestCaGetsTheScriptedResponseOverTls() throws Exception {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s
                        .onEveryRequest((req, r) -> r.send(Responses.ok("secret " + req.target()))));
                Socket socket = connectTls(server.port(), "127.0.0.1")) {
            write(socket, get("/a"));
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("secret /a");
            write(socket, get("/b"));
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("secret /b");

            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex)
                    .containsExactly(0, 0);
            assertThat(server.uri("/x").getScheme()).isEqualTo("https");
        }
    }

    @Test
    void theGoodCertificateAlsoMatchesTheNameLocalhost() throws Exception {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s
                        .onEveryRequest((req, r) -> r.send(Responses.ok("ok"))));
                Socket socket = connectTls(server.port(), "localhost")) {
            write(socket, get("/"));
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerCertificate.class, names = {"EXPIRED", "SELF_SIGNED", "WRONG_HOST"})
    void aClientRejectsEveryBadServerCertificateAndTheServerTakesItAsAClientClose(ServerCertificate kind)
            throws Exception {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(kind), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("must not be read"))))) {
            assertThatThrownBy(() -> {
                try (Socket socket = connectTls(server.port(), "127.0.0.1")) {
                    write(socket, get("/"));
                }
            }).isInstanceOf(SSLHandshakeException.class);
            server.awaitClientClose(0, WAIT);
            assertThat(server.requests()).isEmpty();
            assertThat(server.failures()).isEmpty();
        }
    }

    @Test
    void resetOverTlsCutsTheConnectionWithoutACloseNotify() throws Exception {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c
                        .expectRequest().send("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\ncut").reset()));
                Socket socket = connectTls(server.port(), "127.0.0.1")) {
            write(socket, get("/"));
            InputStream in = socket.getInputStream();
            server.awaitConnections(1, WAIT);
            server.awaitOpenConnections(0, WAIT);

            assertThatThrownBy(() -> in.readNBytes(1000)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void closeOverTlsEndsTheStreamCleanlyWithACloseNotify() throws Exception {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c
                        .expectRequest().send("HTTP/1.0 200 OK\r\n\r\nuntil close").close()));
                Socket socket = connectTls(server.port(), "127.0.0.1")) {
            write(socket, get("/"));
            InputStream in = socket.getInputStream();
            RawHttp.readHead(in);
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .isEqualTo("until close");
        }
    }

    /** A client socket that checks the server's name the way HTTPS clients do. */
    static SSLSocket connectTls(int port, String host) throws IOException {
        Socket tcp = new Socket(InetAddress.getLoopbackAddress(), port);
        SSLSocket socket = (SSLSocket) CERTS.clientContext().getSocketFactory().createSocket(tcp, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }
}
