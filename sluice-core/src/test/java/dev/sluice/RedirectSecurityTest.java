package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Credentials do not follow a redirect to another origin (scheme, host and port); two
 * scripted servers on two ports are two origins.
 */
class RedirectSecurityTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Request withCredentials(java.net.URI uri) {
        return Request.newBuilder(uri)
                .header("Authorization", "Bearer secret")
                .header("Cookie", "session=s3cr3t")
                .header("Proxy-Authorization", "Basic cHJveHk=")
                .header("X-Custom", "kept")
                .build();
    }

    @Test
    void credentialsAreDroppedWhenTheOriginChanges() throws IOException {
        try (var other = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("other"))));
             var first = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                     Responses.status(302, "", "Location: " + other.uri("/landing")))));
             Client client = Client.newClient();
             Response r = client.send(withCredentials(first.uri("/start")))) {
            assertThat(r.body().text()).isEqualTo("other");
            RecordedRequest atFirst = first.awaitRequests(1, WAIT).getFirst();
            assertThat(atFirst.header("Authorization")).isEqualTo("Bearer secret");
            RecordedRequest atOther = other.awaitRequests(1, WAIT).getFirst();
            assertThat(atOther.header("Authorization")).isNull();
            assertThat(atOther.header("Cookie")).isNull();
            assertThat(atOther.header("Proxy-Authorization")).isNull();
            assertThat(atOther.header("X-Custom")).isEqualTo("kept");
            assertThat(atOther.header("Host")).isEqualTo("127.0.0.1:" + other.port());
        }
    }

    @Test
    void credentialsStayDroppedWhenALaterHopReturnsToTheFirstOrigin() throws IOException {
        try (var first = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/final")
                ? Responses.ok("back")
                : Responses.status(302, "", "Location: /elsewhere-placeholder"))))) {
            try (var other = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                    Responses.status(302, "", "Location: " + first.uri("/final")))));
                 var entry = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                         Responses.status(307, "", "Location: " + other.uri("/hop")))));
                 Client client = Client.newClient();
                 Response r = client.send(withCredentials(entry.uri("/start")))) {
                assertThat(r.body().text()).isEqualTo("back");
                RecordedRequest atFirst = first.awaitRequests(1, WAIT).getFirst();
                assertThat(atFirst.target()).isEqualTo("/final");
                assertThat(atFirst.header("Authorization")).isNull();
                assertThat(atFirst.header("Cookie")).isNull();
            }
        }
    }

    @Test
    void credentialsAreKeptOnTheSameOrigin() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/start")
                ? Responses.status(301, "", "Location: /landing")
                : Responses.ok("same"))));
             Client client = Client.newClient();
             Response r = client.send(withCredentials(server.uri("/start")))) {
            assertThat(r.body().text()).isEqualTo("same");
            RecordedRequest second = server.awaitRequests(2, WAIT).get(1);
            assertThat(second.target()).isEqualTo("/landing");
            assertThat(second.header("Authorization")).isEqualTo("Bearer secret");
            assertThat(second.header("Cookie")).isEqualTo("session=s3cr3t");
            assertThat(second.header("Proxy-Authorization")).isEqualTo("Basic cHJveHk=");
        }
    }

    @Test
    void anotherHostNameForTheSameAddressIsAnotherOrigin() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/start")
                ? Responses.status(302, "", "Location: http://localhost:" + req.header("Host").split(":")[1] + "/landing")
                : Responses.ok("renamed"))));
             Client client = Client.newClient();
             Response r = client.send(withCredentials(server.uri("/start")))) {
            assertThat(r.body().text()).isEqualTo("renamed");
            RecordedRequest second = server.awaitRequests(2, WAIT).get(1);
            assertThat(second.header("Host")).startsWith("localhost:");
            assertThat(second.header("Authorization")).isNull();
            assertThat(second.header("Cookie")).isNull();
        }
    }
}
