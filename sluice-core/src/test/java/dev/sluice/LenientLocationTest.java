package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.Redirects;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Locations curl, requests and browsers follow though java.net.URI refuses them (found by the
 * audit: each failed as an invalid redirect) are followed, made valid leniently: a {@code %}
 * that starts no escape, {@code [} or {@code ]} in the path (the query takes them as they are),
 * a second {@code #}. What is refused on purpose stays refused.
 */
class LenientLocationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/echo/[x]      | /echo/%5Bx%5D",
        "/echo/[x]?a=[1] | /echo/%5Bx%5D?a=[1]",
        "/echo?100%     | /echo?100%25",
        "/bad%zz        | /bad%25zz",
        "/ok%41%2f%     | /ok%41%2f%25",
        "/echo#a#b      | /echo",
        "echo/%4        | /echo/%254",
    })
    void aLocationOthersFollowIsFollowed(String location, String target) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/start")
                     ? Responses.status(302, "", "Location: " + location)
                     : Responses.ok("reached " + req.target()))));
             Response r = client.send(Request.get(server.uri("/start").toString()))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().text()).isEqualTo("reached " + target);
        }
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/echo#a#b       | http://h/echo#a%23b",
        "//[::1]:8080/[x] | http://[::1]:8080/%5Bx%5D",
        "http://h2/a[b]  | http://h2/a%5Bb%5D",
        "/%e2%82%ac%     | http://h/%e2%82%ac%25",
    })
    void aLocationIsMadeValidAfterItsAuthorityOnly(String location, String expected) {
        assertThat(Redirects.resolve(URI.create("http://h/start"), location)).hasToString(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ftp://h/[x]", "mailto:a@b%zz", "http://u:p@h/[x]", "http://h:99999/%zz", "http://[::1/x", "http://[::1",
        "//[::1/x", "http://h%zz/",
    })
    void whatIsRefusedOnPurposeStaysRefused(String location) {
        assertThatThrownBy(() -> Redirects.resolve(URI.create("http://h/start"), location))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
