package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * A handshake whose connection broke is said so in words, whether the failure came from a
 * socket channel (a plain IOException) or a socket (a SocketException), in the kernel's words.
 */
class TlsBrokenConnectionWordsTest {
    private static String reason(IOException cause) {
        return TlsFailures.reason(new SSLException("readHandshakeRecord", cause), "example.org");
    }

    @Test
    void aResetIsSaidToBeOne() {
        assertThat(reason(new IOException("Connection reset by peer"))).isEqualTo("the connection was reset during the TLS handshake");
        assertThat(reason(new SocketException("Connection reset"))).isEqualTo("the connection was reset during the TLS handshake");
    }

    @Test
    void aBrokenPipeIsTheServersClose() {
        assertThat(reason(new IOException("Broken pipe"))).isEqualTo("the server closed the connection during the TLS handshake");
        assertThat(reason(new SocketException("Broken pipe (Write failed)")))
                .isEqualTo("the server closed the connection during the TLS handshake");
    }
}
