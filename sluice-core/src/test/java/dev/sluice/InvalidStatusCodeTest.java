package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Status codes outside 100..599 (any three digits, RFC 9112 §4), which RFC 9110 §15 has a
 * client treat as a 5xx: final responses, taken as sent, failing raiseForStatus.
 */
class InvalidStatusCodeTest {

    @ParameterizedTest
    @ValueSource(strings = {"000", "099", "600", "999"})
    void anInvalidStatusIsTakenAsSentAndFailsRaiseForStatusAsA5xxWould(String code) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send("HTTP/1.1 " + code + " Weird\r\nContent-Length: 4\r\n\r\nbody")));
             Client client = Client.newClient()) {
            try (Response r = client.send(Request.get(server.uri("/odd")))) {
                assertThat(r.status()).isEqualTo(Integer.parseInt(code));
                assertThat(r.isSuccessful()).isFalse();
                assertThat(r.toString()).startsWith("Response[" + code + " ");
                assertThat(r.body().text()).as("a final response, its body read").isEqualTo("body");
            }
            try (Response r = client.send(Request.get(server.uri("/odd")))) {
                assertThatThrownBy(r::raiseForStatus).isInstanceOfSatisfying(HttpStatusException.class,
                        e -> assertThat(e.status()).isEqualTo(Integer.parseInt(code)))
                        .hasMessageEndingWith(": HTTP " + code + " Weird");
            }
        }
    }
}
