package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import dev.sluice.testkit.TestCertificates.ServerCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** https: --cacert, --insecure, and exit 4 for any certificate that must not be trusted. */
class GetTlsTest {
    private static final TestCertificates CERTS = TestCertificates.shared();

    @TempDir
    Path dir;

    @Test
    void theTestCaGivenWithCacertIsTrusted() throws IOException {
        Path ca = CERTS.writeCaPem(dir);
        try (var server = tlsServer(ServerCertificate.LOCALHOST)) {
            Cli.Result result = Cli.run("get", server.uri("/secret").toString(), "--cacert", ca.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdoutText()).isEqualTo("over tls /secret");
        }
    }

    @Test
    void theNameLocalhostMatchesTooWithCacert() throws IOException {
        Path ca = CERTS.writeCaPem(dir);
        try (var server = tlsServer(ServerCertificate.LOCALHOST)) {
            Cli.Result result = Cli.run("get", "https://localhost:" + server.port() + "/n", "--cacert", ca.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
        }
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefusedByDefault() throws IOException {
        try (var server = tlsServer(ServerCertificate.LOCALHOST)) {
            Cli.Result result = Cli.run("get", server.uri("/secret").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.CONNECT);
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + server.uri("/secret") + ": ").contains("TLS");
            assertThat(server.requests()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerCertificate.class, names = {"EXPIRED", "SELF_SIGNED", "WRONG_HOST"})
    void aBadCertificateIsRefusedEvenWithTheCa(ServerCertificate kind) throws IOException {
        Path ca = CERTS.writeCaPem(dir);
        try (var server = tlsServer(kind)) {
            Cli.Result result = Cli.run("get", server.uri("/").toString(), "--cacert", ca.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.CONNECT);
            assertThat(server.requests()).isEmpty();
        }
    }

    /**
     * A TLS 1.2 server that requires a client certificate closes on its alert while sluice still
     * writes its side of the handshake. The failed write was a reset, retried --retries times
     * against a refusal that comes back every time; the alert is named and the refusal exit 4.
     */
    @Test
    void aTls12ServerThatRequiresAClientCertificateIsAskedOnce() throws Exception {
        Path ca = CERTS.writeCaPem(dir);
        AtomicInteger handshakes = new AtomicInteger();
        try (SSLServerSocket listener = (SSLServerSocket) CERTS.serverContext().getServerSocketFactory().createServerSocket()) {
            listener.setEnabledProtocols(new String[] {"TLSv1.2"});
            listener.setNeedClientAuth(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread server = Thread.ofVirtual().start(() -> {
                while (true) {
                    try (SSLSocket socket = (SSLSocket) listener.accept()) {
                        handshakes.incrementAndGet();
                        socket.startHandshake();
                    } catch (IOException e) {
                        if (listener.isClosed()) {
                            return;
                        }
                    }
                }
            });
            String url = "https://127.0.0.1:" + listener.getLocalPort() + "/f";
            Cli.Result result = Cli.run("download", url, "-d", dir.resolve("out").toString(), "--cacert", ca.toString(),
                    "--retries", "3");
            listener.close();
            server.join();

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.CONNECT);
            assertThat(result.stderr()).contains(url + ": TLS handshake with 127.0.0.1 port " + listener.getLocalPort()
                    + " failed: the server refused the handshake (TLS alert handshake_failure)");
            assertThat(handshakes).hasValue(1);
            assertThat(dir.resolve("out/f")).doesNotExist();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerCertificate.class, names = {"SELF_SIGNED", "WRONG_HOST", "EXPIRED"})
    void insecureAcceptsAnyCertificate(ServerCertificate kind) throws IOException {
        try (var server = tlsServer(kind)) {
            Cli.Result result = Cli.run("get", server.uri("/any").toString(), "--insecure");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdoutText()).isEqualTo("over tls /any");
        }
    }

    @Test
    void aMissingCaFileIsALocalIoError() throws IOException {
        Path missing = dir.resolve("missing.pem");
        try (var server = tlsServer(ServerCertificate.LOCALHOST)) {
            Cli.Result result = Cli.run("get", server.uri("/").toString(), "--cacert", missing.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).singleElement().asString().contains(missing.toString());
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aCaFileThatIsADirectoryOrNotPemSaysSoInPlainWords() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        try (var server = tlsServer(ServerCertificate.LOCALHOST)) {
            Cli.Result directory = Cli.run("get", server.uri("/").toString(), "--cacert", dir.toString());
            Cli.Result notPem = Cli.run("get", server.uri("/").toString(), "--cacert", garbage.toString());

            assertThat(directory.exitCode()).as(directory.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(directory.stderrLines()).singleElement().asString().contains("is a directory")
                    .doesNotContain("java.");
            assertThat(notPem.exitCode()).as(notPem.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(notPem.stderrLines()).singleElement().asString()
                    .contains(garbage.toString()).contains("not a PEM file").doesNotContain("java.");
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aCaFileWithoutCertificatesIsALocalIoError() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        try (var server = tlsServer(ServerCertificate.LOCALHOST)) {
            Cli.Result result = Cli.run("get", server.uri("/").toString(), "--cacert", empty.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).singleElement().asString().contains(empty.toString());
        }
    }

    private static ScriptedServer tlsServer(ServerCertificate kind) throws IOException {
        return ScriptedServer.startTls(CERTS.serverContext(kind), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("over tls " + req.target()))));
    }
}
