package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload over 1 MiB asks first (Expect: 100-continue). Over TLS the wait reads with a socket
 * timeout, and reset that timeout after the read; when the read had failed because the
 * connection broke (a reset, a fatal alert), the JDK had closed the socket, the reset of the
 * timeout threw "Socket is closed" in place of the failure, and the buffer was left unflipped,
 * so the early answer looked for in it was a status line of zeros. A TLS 1.3 server that
 * requires a client certificate, whose alert comes just then, was reported as that (exit 6).
 */
class ResetDuringContinueTest {
    private static final TestCertificates CERTS = TestCertificates.shared();
    @TempDir
    Path dir;

    @Test
    void aTlsResetWhileWaitingFor100ContinueIsReportedAsTheReset() throws Exception {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c
                .expectRequestHead().reset()));
             Client client = Client.builder().trustCertificates(CERTS.writeCaPem(dir)).readTimeout(Duration.ofSeconds(10)).build()) {
            assertThatThrownBy(() -> client.send(Request.put("https://localhost:" + server.port() + "/up",
                    RequestBody.ofBytes(new byte[2 << 20]))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageNotContaining("Socket is closed")
                    // The reset read in the wait for 100 Continue, or, on a machine so loaded that
                    // the wait ended first, met by the body's write.
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("Connection reset", "Broken pipe"))
                    .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
            assertThat(client.poolState()).contains("leased=0");
        }
    }
}
