package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.net.GatedResolver;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A host written in letters beyond ASCII, or percent-encoded, is looked up and sent in its IDNA
 * ASCII form, as curl and requests do; one whose two IDNA readings differ is refused before any
 * lookup. Names under {@link GatedResolver#LOOPBACK_SUFFIX} are 127.0.0.1 in the test JVM.
 */
class InternationalHostTest {
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void anInternationalNameIsLookedUpAndSentInItsAsciiForm() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("hello"))))) {
            URI url = URI.create("http://bücher" + GatedResolver.LOOPBACK_SUFFIX + ":" + server.port() + "/x");
            try (Response response = client.send(Request.get(url))) {
                assertThat(response.body().text()).isEqualTo("hello");
            }
            assertThat(server.requests().getFirst().header("Host"))
                    .isEqualTo("xn--bcher-kva" + GatedResolver.LOOPBACK_SUFFIX + ":" + server.port());
        }
    }

    @Test
    void aPercentEncodedNameIsDecoded() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("hello"))))) {
            URI url = URI.create("http://%61pi" + GatedResolver.LOOPBACK_SUFFIX + ":" + server.port() + "/x");
            try (Response response = client.send(Request.get(url))) {
                assertThat(response.body().text()).isEqualTo("hello");
            }
            assertThat(server.requests().getFirst().header("Host")).isEqualTo("api" + GatedResolver.LOOPBACK_SUFFIX + ":" + server.port());
        }
    }

    @Test
    void aNameReadTwoWaysIsRefusedWhenTheRequestIsMade() {
        assertThatThrownBy(() -> Request.get(URI.create("http://straße" + GatedResolver.LOOPBACK_SUFFIX + "/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid URL http://straße" + GatedResolver.LOOPBACK_SUFFIX + "/: host \"straße"
                        + GatedResolver.LOOPBACK_SUFFIX + "\" has a character (U+00DF) that international host name rules"
                        + " read two ways; give the host in its ASCII (xn--) form");
    }
}
