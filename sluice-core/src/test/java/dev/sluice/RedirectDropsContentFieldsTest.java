package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A redirect that drops the body drops the fields that describe it, as RFC 9110 §15.4 lists
 * them, and Expect (§10.1.1: no 100-continue without content). Found by the review: only
 * Content-Type, Content-Length and Transfer-Encoding went.
 */
class RedirectDropsContentFieldsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> CONTENT_FIELDS = List.of("Content-Encoding", "Content-Language",
            "Content-Location", "Content-Type", "Content-Length", "Digest", "Content-Digest", "Last-Modified",
            "Expect");

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static ScriptedServer redirecting(int status) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/start")
                ? Responses.status(status, "moved", "Location: /target")
                : Responses.ok("reached with " + req.method()))));
    }

    private static Request.Builder describedPost(String url) {
        return Request.newBuilder(url).method("POST", RequestBody.ofString("{\"a\":1}", "application/json"))
                .header("Content-Encoding", "identity")
                .header("Content-Language", "en")
                .header("Content-Location", "/drafts/1")
                .header("Digest", "sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=")
                .header("Content-Digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")
                .header("Last-Modified", "Tue, 15 Nov 1994 12:45:26 GMT")
                .header("Expect", "100-continue")
                .header("X-Other", "kept");
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303})
    void aPostTurnedIntoGetLosesTheFieldsOfItsBody(int status) throws IOException {
        try (var server = redirecting(status);
             Response r = client.send(describedPost(server.uri("/start").toString()).build())) {
            assertThat(r.body().text()).isEqualTo("reached with GET");
            List<RecordedRequest> seen = server.awaitRequests(2, WAIT);
            assertThat(seen.get(0).header("Content-Language")).isEqualTo("en");
            RecordedRequest second = seen.get(1);
            assertThat(second.method()).isEqualTo("GET");
            for (String name : CONTENT_FIELDS) {
                assertThat(second.header(name)).as(name).isNull();
            }
            assertThat(second.header("X-Other")).isEqualTo("kept");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {307, 308})
    void aRedirectThatKeepsTheBodyKeepsItsFields(int status) throws IOException {
        try (var server = redirecting(status);
             Response r = client.send(describedPost(server.uri("/start").toString()).build())) {
            assertThat(r.body().text()).isEqualTo("reached with POST");
            RecordedRequest second = server.awaitRequests(2, WAIT).get(1);
            for (String name : CONTENT_FIELDS) {
                assertThat(second.header(name)).as(name).isNotNull();
            }
        }
    }
}
