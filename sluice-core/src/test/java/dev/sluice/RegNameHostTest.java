package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.net.Origin;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Host names java.net.URI does not take as server names, such as {@code my_host} (container
 * service names), are hosts all the same: resolved, and named in Host. A name that resolves
 * cannot be set up here, so an {@code .invalid} one shows that the client went as far as
 * asking the resolver for it.
 */
class RegNameHostTest {

    @ParameterizedTest
    @CsvSource({
        "http://my_host:8080/x,       http,  my_host,     8080, my_host:8080",
        "https://my_host/x,           https, my_host,     443,  my_host",
        "http://u:p@db_1.local:81/,   http,  db_1.local,  81,   db_1.local:81",
        "http://my_host:/x,           http,  my_host,     80,   my_host",
        "http://example.org:/x,       http,  example.org, 80,   example.org",
        "http://%41_b/x,              http,  a_b,         80,   a_b"})
    void theOriginOfAUrlWhoseHostJavaNetUriLeavesUnparsed(String url, String scheme, String host, int port, String hostHeader) {
        Origin origin = Origin.of(URI.create(url));
        assertThat(origin).isEqualTo(new Origin(scheme, host, port));
        assertThat(origin.hostHeader()).isEqualTo(hostHeader);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://my_host:8o/x", "http://my_host:99999/x", "http://my_host:0/", "http://my host/",
        "http://%2F_b/"})
    void aBadPortOrHostIsStillRefused(String url) {
        assertThatThrownBy(() -> Request.get(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid URL");
    }

    @Test
    void aRequestToAnUnderscoreHostAsksTheResolverForIt() {
        try (Client client = Client.builder().connectTimeout(Duration.ofSeconds(20)).build()) {
            assertThatThrownBy(() -> client.send(Request.get("http://no_such_host.invalid:8080/x")))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessage("http://no_such_host.invalid:8080/x: could not resolve host no_such_host.invalid");
        }
    }

    @Test
    void aRedirectToAnUnderscoreHostIsFollowed() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: http://no_such_host.invalid:8080/y"))));
             Client client = Client.builder().connectTimeout(Duration.ofSeconds(20)).build()) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/start"))))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining("could not resolve host no_such_host.invalid");
        }
    }
}
