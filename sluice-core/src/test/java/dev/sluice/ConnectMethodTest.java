package dev.sluice;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CONNECT is refused when the request is built: sent as an ordinary request it had a path for
 * its target, where RFC 9112 §3.2.3 wants an authority, and its answer left a tunnel that the
 * pool then handed to later requests.
 */
class ConnectMethodTest {
    @ParameterizedTest
    @ValueSource(strings = {"CONNECT", "connect"})
    void connectIsRefused(String method) {
        assertThatThrownBy(() -> Request.newBuilder("http://127.0.0.1:8080/").method(method, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CONNECT is not supported (it asks a proxy for a tunnel)");
    }
}
