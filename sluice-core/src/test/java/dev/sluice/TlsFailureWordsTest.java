package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import dev.sluice.testkit.TestCertificates.ServerCertificate;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed TLS handshake says why in plain words (the JDK's text names its internals), keeps
 * the JDK's exception as the cause, and says whether trying again could help.
 */
class TlsFailureWordsTest {
    private static final TestCertificates CERTS = TestCertificates.shared();

    @TempDir
    Path dir;

    private ConnectFailedException failureFor(ServerCertificate kind, String host) throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(kind), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("must not be read"))));
             Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
            String url = "https://" + host + ":" + server.port() + "/";
            try (Response r = client.send(Request.get(url))) {
                throw new AssertionError("the handshake with " + kind + " succeeded: " + r);
            } catch (ConnectFailedException e) {
                return e;
            }
        }
    }

    @Test
    void anExpiredCertificateSaysWhenItExpired() throws IOException {
        ConnectFailedException e = failureFor(ServerCertificate.EXPIRED, "127.0.0.1");
        String day = CERTS.certificate(ServerCertificate.EXPIRED).getNotAfter().toInstant()
                .atOffset(ZoneOffset.UTC).toLocalDate().toString();
        assertThat(e).hasMessageEndingWith("failed: certificate expired on " + day)
                .hasCauseInstanceOf(SSLException.class);
        assertThat(e.isPermanent()).isTrue();
    }

    @Test
    void anUntrustedCertificateSaysSo() throws IOException {
        ConnectFailedException e = failureFor(ServerCertificate.SELF_SIGNED, "127.0.0.1");
        assertThat(e).hasMessageEndingWith("failed: certificate not trusted (no path to a trusted CA)")
                .hasCauseInstanceOf(SSLException.class);
        assertThat(e.isPermanent()).isTrue();
    }

    @Test
    void aSelfSignedCertificateOfTheSameNameAsTheTrustedOneIsNotTrusted() throws IOException {
        // Two self-signed CN=localhost certificates with different keys, one trusted, the
        // other served: the issuer's name matches the trust anchor, its signature does not.
        TestCertificates other = TestCertificates.create();
        Path trusted = java.nio.file.Files.writeString(dir.resolve("trusted.pem"),
                TestCertificates.certificatePem(CERTS.certificate(ServerCertificate.SELF_SIGNED)));
        try (var server = ScriptedServer.startTls(other.serverContext(ServerCertificate.SELF_SIGNED), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("must not be read"))));
             Client client = Client.builder().trustCertificates(trusted).build()) {
            ConnectFailedException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConnectFailedException.class,
                    () -> client.send(Request.get("https://localhost:" + server.port() + "/")).close());
            assertThat(e).hasMessageEndingWith("failed: certificate not trusted (no path to a trusted CA)");
            assertThat(e.isPermanent()).isTrue();
        }
    }

    @Test
    void aCertificateForAnotherNameNamesTheHost() throws IOException {
        for (String host : new String[] {"127.0.0.1", "localhost"}) {
            ConnectFailedException e = failureFor(ServerCertificate.WRONG_HOST, host);
            assertThat(e).as(host).hasMessageEndingWith("failed: certificate not valid for host " + host)
                    .hasCauseInstanceOf(SSLException.class);
            assertThat(e.isPermanent()).isTrue();
        }
    }

    @Test
    void aServerThatClosesDuringTheHandshakeIsNotPermanent() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.close()));
             Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
            assertThatThrownBy(() -> client.send(Request.get("https://127.0.0.1:" + server.port() + "/")))
                    .isInstanceOfSatisfying(ConnectFailedException.class, e -> assertThat(e.isPermanent()).isFalse())
                    .hasMessageEndingWith("failed: the server closed the connection during the TLS handshake")
                    .hasCauseInstanceOf(SSLException.class);
        }
    }

    @Test
    void aPlainHttpServerOnAnHttpsUrlIsSaidToBeOne() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c
                .send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").stallUntil("never")));
             Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
            assertThatThrownBy(() -> client.send(Request.get("https://127.0.0.1:" + server.port() + "/")))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessageEndingWith("failed: the server did not answer in TLS (plain HTTP on an https URL?)");
        }
    }
}
