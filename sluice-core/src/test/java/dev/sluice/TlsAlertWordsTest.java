package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A handshake the server ends with a fatal TLS alert says so in words, naming the alert. The
 * JDK words it "(protocol_version) Received fatal alert: protocol_version", which the check
 * for a message starting "Received fatal alert: " never matched, so users read the JDK's text.
 */
class TlsAlertWordsTest {
    private static final TestCertificates CERTS = TestCertificates.shared();

    @TempDir
    Path dir;

    /** A fatal alert record (RFC 8446 §5.1, §6): content type 21, version 3.3, length 2, level 2. */
    private static String fatalAlert(int description) {
        return new String(new char[] {21, 3, 3, 0, 2, 2, (char) description});
    }

    private ConnectFailedException failureAgainstAlert(int description) throws IOException {
        // Answers the ClientHello, whatever it offers, with the alert, as a server of TLS 1.1
        // or older does with protocol_version.
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c
                .send(fatalAlert(description)).stallUntil("never")));
             Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
            try (Response r = client.send(Request.get("https://127.0.0.1:" + server.port() + "/"))) {
                throw new AssertionError("the handshake succeeded: " + r);
            } catch (ConnectFailedException e) {
                return e;
            }
        }
    }

    @Test
    void aServerWithoutTls12Or13IsSaidToBeOne() throws IOException {
        assertThat(failureAgainstAlert(70)).hasMessageEndingWith("failed: the server refused the handshake (TLS alert protocol_version):"
                        + " it supports no TLS version sluice accepts (1.3 and 1.2)")
                .hasCauseInstanceOf(SSLException.class);
    }

    /**
     * A refusal of this client is met again by the next attempt, so retry policies skip it
     * (download retried certificate_required --retries times); another alert may be passing.
     */
    @Test
    void aRefusalOfTheClientIsPermanentAnotherAlertIsNot() throws IOException {
        assertThat(failureAgainstAlert(116).isPermanent()).as("certificate_required").isTrue();
        assertThat(failureAgainstAlert(70).isPermanent()).as("protocol_version").isTrue();
        assertThat(failureAgainstAlert(40).isPermanent()).as("handshake_failure").isTrue();
        assertThat(failureAgainstAlert(80).isPermanent()).as("internal_error").isFalse();
    }

    /** An HTTP/2-only server, and a server with no site for the name, are met again by a retry. */
    @Test
    void noProtocolInCommonAndNoSiteByTheNameAreSaidAndPermanent() throws IOException {
        ConnectFailedException noProtocol = failureAgainstAlert(120);
        assertThat(noProtocol).hasMessageEndingWith("failed: the server refused the handshake (TLS alert"
                + " no_application_protocol): it speaks no protocol sluice offers (sluice speaks HTTP/1.1;"
                + " the server perhaps only HTTP/2)");
        assertThat(noProtocol.isPermanent()).isTrue();
        ConnectFailedException noName = failureAgainstAlert(112);
        assertThat(noName).hasMessageEndingWith("(TLS alert unrecognized_name): it serves no site by the name"
                + " sluice sent (none is sent for an IP address)");
        assertThat(noName.isPermanent()).isTrue();
    }

    @Test
    void aServerThatWantsAClientCertificateIsSaidToBeOne() throws IOException {
        assertThat(failureAgainstAlert(116)).hasMessageEndingWith(
                "failed: the server refused the handshake (TLS alert certificate_required):"
                        + " it requires a client certificate, which sluice does not send");
    }

    @Test
    void anotherAlertIsNamed() throws IOException {
        assertThat(failureAgainstAlert(80)).hasMessageEndingWith(
                "failed: the server refused the handshake (TLS alert internal_error)");
    }

    @Test
    void anAlertFromAJdkServerIsNamed() throws Exception {
        // No cipher suite in common: the server offers only one its EC certificate cannot serve (an RSA one).
        try (SSLServerSocket listener = (SSLServerSocket) CERTS.serverContext().getServerSocketFactory().createServerSocket()) {
            listener.setEnabledProtocols(new String[] {"TLSv1.2"});
            listener.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread server = handshakeOnce(listener);
            try (Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
                assertThatThrownBy(() -> client.send(Request.get("https://127.0.0.1:" + listener.getLocalPort() + "/")))
                        .isInstanceOf(ConnectFailedException.class)
                        .hasMessageEndingWith("failed: the server refused the handshake (TLS alert handshake_failure)");
            }
            server.join();
        }
    }

    /**
     * A TLS 1.2 server that requires a client certificate sends its alert on the empty
     * Certificate message and closes while the client still writes the rest of its side: the
     * write fails on the reset before the JDK reads the alert, and the JDK closes the socket as
     * it fails. The words were the kernel's ("Connection reset by peer", "Broken pipe"), and a
     * reset is passing, so downloads retried a refusal that comes back every time. The alert
     * is seen on its way by the socket under the TLS one and named; the refusal is permanent.
     */
    @RepeatedTest(6)
    void aTls12ServerThatRequiresAClientCertificateRefusesTheHandshake() throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) CERTS.serverContext().getServerSocketFactory().createServerSocket()) {
            listener.setEnabledProtocols(new String[] {"TLSv1.2"});
            listener.setNeedClientAuth(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread server = handshakeOnce(listener);
            try (Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
                String url = "https://127.0.0.1:" + listener.getLocalPort() + "/";
                ConnectFailedException e = catchThrowableOfType(ConnectFailedException.class,
                        () -> client.send(Request.get(url)));
                assertThat(e).hasMessageEndingWith("TLS handshake with 127.0.0.1 port " + listener.getLocalPort()
                        + " failed: the server refused the handshake (TLS alert handshake_failure)");
                assertThat(e.isPermanent()).isTrue();
                assertThat(client.poolState()).contains("leased=0", "idle=0");
            }
            server.join();
        }
    }

    /**
     * Under TLS 1.3 the client's side of the handshake is over before the server judges it: a
     * server that requires a client certificate says so with an alert that comes to the first
     * read. That was "connection failed while waiting for the response head" (a protocol
     * error, the command line's exit 6) where TLS 1.2 gives a handshake failure (exit 4).
     */
    @Test
    void aTls13ServerThatRequiresAClientCertificateRefusesTheHandshake() throws Exception {
        assertRefusedAfterTheHandshake(null);
    }

    /**
     * An upload over 1 MiB asks first (Expect: 100-continue), and the alert may come in the wait
     * for the answer: it is the same refusal (ResetDuringContinueTest shows what that wait got
     * wrong when the connection broke in it).
     */
    @Test
    void aTls13ServerThatRequiresAClientCertificateRefusesTheHandshakeOfALargeUpload() throws Exception {
        assertRefusedAfterTheHandshake(RequestBody.ofBytes(new byte[2 << 20]));
    }

    private void assertRefusedAfterTheHandshake(RequestBody upload) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) CERTS.serverContext().getServerSocketFactory().createServerSocket()) {
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            listener.setNeedClientAuth(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread server = Thread.ofVirtual().start(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.getInputStream().read();
                } catch (IOException expected) {
                    // The server's side: no certificate came.
                }
            });
            try (Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).build()) {
                String url = "https://127.0.0.1:" + listener.getLocalPort() + "/";
                Request request = upload == null ? Request.get(url) : Request.put(url, upload);
                assertThatThrownBy(() -> client.send(request))
                        .isInstanceOf(ConnectFailedException.class)
                        .hasMessageEndingWith("TLS handshake with 127.0.0.1 port " + listener.getLocalPort()
                                + " failed: the server refused the handshake (TLS alert certificate_required):"
                                + " it requires a client certificate, which sluice does not send");
                assertThat(client.poolState()).contains("leased=0", "idle=0");
            }
            server.join();
        }
    }

    /** Accepts one connection and runs the server's side of its handshake, which is to fail. */
    private static Thread handshakeOnce(SSLServerSocket listener) {
        return Thread.ofVirtual().start(() -> {
            try (SSLSocket socket = (SSLSocket) listener.accept()) {
                socket.startHandshake();
            } catch (IOException expected) {
                // The server's side of the refused handshake.
            }
        });
    }
}
