package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request the caller sends with {@code Connection: close} ends its connection: RFC 9112 §9.6
 * has a client that sent it send no further request on that connection and close it after the
 * response. The option was ignored, the connection pooled and reused when the server kept it
 * open.
 */
class RequestConnectionCloseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ScriptedServer keepingConnectionsOpen() throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("at " + req.target()))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "Close", "keep-alive, CLOSE", "x-option ,close"})
    void aRequestSentWithConnectionCloseDoesNotLeaveItsConnectionToTheNext(String value) throws IOException {
        try (var server = keepingConnectionsOpen();
             Client client = Client.builder().readTimeout(WAIT).build()) {
            try (Response r = client.send(Request.newBuilder(server.uri("/first")).header("Connection", value).build())) {
                assertThat(r.body().text()).isEqualTo("at /first");
            }
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0", "idle=0");
            try (Response r = client.send(Request.get(server.uri("/second")))) {
                assertThat(r.body().text()).isEqualTo("at /second");
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex).containsExactly(0, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "CLOSE"})
    void aBodyLeftUnreadIsNotDrainedToKeepTheConnection(String value) throws IOException {
        try (var server = keepingConnectionsOpen();
             Client client = Client.builder().readTimeout(WAIT).build()) {
            client.send(Request.newBuilder(server.uri("/unread")).header("Connection", value).build()).close();
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep-alive", "closed", "x-close"})
    void otherConnectionOptionsLeaveTheConnectionReusable(String value) throws IOException {
        try (var server = keepingConnectionsOpen();
             Client client = Client.builder().readTimeout(WAIT).build()) {
            for (String path : new String[] {"/one", "/two"}) {
                try (Response r = client.send(Request.newBuilder(server.uri(path)).header("Connection", value).build())) {
                    assertThat(r.body().text()).isEqualTo("at " + path);
                }
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex).containsExactly(0, 0);
        }
    }
}
