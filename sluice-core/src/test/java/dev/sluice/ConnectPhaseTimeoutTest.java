package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.FullBacklog;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * While connecting (TCP, then the TLS handshake) the deadline is the tighter of the connect
 * and the total timeouts; the error names the one that passed.
 */
class ConnectPhaseTimeoutTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(30);

    /** A server that accepts and never answers the ClientHello. */
    private static ScriptedServer silent() throws IOException {
        return ScriptedServer.start(s -> s.onEveryConnection(c -> c.stallUntil("never")));
    }

    @Test
    void aHandshakeThatOutlivesTheTotalTimeoutIsATotalTimeout() throws IOException {
        try (var server = silent();
             Client client = Client.builder().insecure().connectTimeout(LONG).totalTimeout(SHORT).build()) {
            assertThatThrownBy(() -> client.send(Request.get("https://127.0.0.1:" + server.port() + "/")))
                    .isInstanceOfSatisfying(TotalTimeoutException.class, e -> assertThat(e.limit()).isEqualTo(SHORT))
                    .hasMessage("https://127.0.0.1:" + server.port() + "/: the exchange took longer than the total"
                            + " timeout of 0.3 s while connecting to 127.0.0.1 port " + server.port());
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    @Test
    void aHandshakeThatOutlivesTheConnectTimeoutIsStillAConnectTimeout() throws IOException {
        try (var server = silent();
             Client client = Client.builder().insecure().connectTimeout(SHORT).totalTimeout(LONG).build()) {
            assertThatThrownBy(() -> client.send(Request.get("https://127.0.0.1:" + server.port() + "/")))
                    .isInstanceOfSatisfying(ConnectTimeoutException.class, e -> assertThat(e.limit()).isEqualTo(SHORT));
        }
    }

    @Test
    void aTcpConnectThatOutlivesTheTotalTimeoutIsATotalTimeout() throws IOException {
        try (FullBacklog backlog = new FullBacklog();
             Client client = Client.builder().connectTimeout(LONG).totalTimeout(SHORT).build()) {
            assumeTrue(backlog.isFull(), "this kernel refuses instead of ignoring a connect to a full queue");
            assertThatThrownBy(() -> client.send(Request.get(backlog.uri("/hang"))))
                    .isInstanceOfSatisfying(TotalTimeoutException.class, e -> assertThat(e.limit()).isEqualTo(SHORT))
                    .hasMessageContaining("total timeout of 0.3 s while connecting to 127.0.0.1 port");
            assertThat(client.poolState()).contains("leased=0", "waiting=0");
        }
    }
}
