package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Following redirects: method and body rules of RFC 9110 §15.4, Location resolution, history, loops and limits. */
class RedirectTest {
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

    /** A server that redirects /start with {@code status} to /target and answers /target with its method. */
    private static ScriptedServer redirecting(int status) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/start")) {
                r.send(Responses.status(status, "moved", "Location: /target"));
            } else {
                r.send(Responses.ok("reached with " + req.method()));
            }
        }));
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303})
    void postBecomesGetWithoutItsBody(int status) throws IOException {
        try (var server = redirecting(status);
             Response r = client.send(Request.post(server.uri("/start").toString(),
                     RequestBody.ofString("{\"a\":1}", "application/json")))) {
            assertThat(r.body().text()).isEqualTo("reached with GET");
            List<RecordedRequest> seen = server.awaitRequests(2, WAIT);
            assertThat(seen.get(0).method()).isEqualTo("POST");
            assertThat(seen.get(0).bodyText()).isEqualTo("{\"a\":1}");
            RecordedRequest second = seen.get(1);
            assertThat(second.method()).isEqualTo("GET");
            assertThat(second.target()).isEqualTo("/target");
            assertThat(second.body()).isEmpty();
            assertThat(second.header("Content-Length")).isNull();
            assertThat(second.header("Content-Type")).isNull();
            assertThat(second.header("Transfer-Encoding")).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {307, 308})
    void postKeepsItsMethodAndBody(int status) throws IOException {
        try (var server = redirecting(status);
             Response r = client.send(Request.post(server.uri("/start").toString(),
                     RequestBody.ofString("{\"a\":1}", "application/json")))) {
            assertThat(r.body().text()).isEqualTo("reached with POST");
            RecordedRequest second = server.awaitRequests(2, WAIT).get(1);
            assertThat(second.method()).isEqualTo("POST");
            assertThat(second.target()).isEqualTo("/target");
            assertThat(second.bodyText()).isEqualTo("{\"a\":1}");
            assertThat(second.header("Content-Type")).isEqualTo("application/json");
            assertThat(second.header("Content-Length")).isEqualTo("7");
        }
    }

    @Test
    void putKeepsItsMethodOnA301() throws IOException {
        try (var server = redirecting(301);
             Response r = client.send(Request.put(server.uri("/start").toString(), RequestBody.ofString("x")))) {
            assertThat(r.body().text()).isEqualTo("reached with PUT");
            assertThat(server.awaitRequests(2, WAIT).get(1).bodyText()).isEqualTo("x");
        }
    }

    @Test
    void headStaysHeadOnA303() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/start")
                ? Responses.status(303, "", "Location: /target")
                : Responses.head(200, "Content-Length: 5")))) ;
             Response r = client.send(Request.head(server.uri("/start").toString()))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(server.awaitRequests(2, WAIT).get(1).method()).isEqualTo("HEAD");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {307, 308})
    void aGetWithABodyIsRepeatedWholeOn307And308(int status) throws IOException {
        // RFC 9110 §15.4.8/9: the same request again, method and content unchanged.
        try (var server = redirecting(status);
             Response r = client.send(Request.newBuilder(server.uri("/start").toString())
                     .method("GET", RequestBody.ofString("q=1")).build())) {
            assertThat(r.body().text()).isEqualTo("reached with GET");
            assertThat(server.requests()).extracting(RecordedRequest::bodyText).containsExactly("q=1", "q=1");
        }
    }

    @Test
    void aNonReplayableBodyOn307ReturnsTheRedirectItself() throws IOException {
        try (var server = redirecting(307)) {
            RequestBody once = RequestBody.ofInputStream(new ByteArrayInputStream("stream".getBytes(StandardCharsets.UTF_8)),
                    OptionalLong.empty());
            try (Response r = client.send(Request.post(server.uri("/start").toString(), once))) {
                assertThat(r.status()).isEqualTo(307);
                assertThat(r.headers().first("Location")).contains("/target");
                assertThat(r.history()).isEmpty();
                assertThat(r.body().text()).isEqualTo("moved");
            }
            assertThat(server.requests()).hasSize(1);
            assertThat(server.requests().getFirst().bodyText()).isEqualTo("stream");
        }
    }

    @Test
    void aRelativeLocationResolvesAgainstTheRequestUrlAndHistoryRecordsEachHop() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(switch (req.target()) {
            case "/dir/page?x=1" -> Responses.status(302, "", "Location: next?y=2");
            case "/dir/next?y=2" -> Responses.status(301, "", "Location: ../final");
            default -> Responses.ok("at " + req.target());
        }))); Response r = client.send(Request.get(server.uri("/dir/page?x=1")))) {
            assertThat(r.body().text()).isEqualTo("at /final");
            assertThat(r.uri()).isEqualTo(server.uri("/final"));
            assertThat(r.request().uri()).isEqualTo(server.uri("/final"));
            assertThat(r.history()).extracting(Redirect::status).containsExactly(302, 301);
            assertThat(r.history().get(0).from()).isEqualTo(server.uri("/dir/page?x=1"));
            assertThat(r.history().get(0).location()).isEqualTo(server.uri("/dir/next?y=2"));
            assertThat(r.history().get(1).location()).isEqualTo(server.uri("/final"));
        }
    }

    @Test
    void redirectsOnOneOriginReuseOneConnection() throws IOException {
        try (var server = redirecting(302); Response r = client.send(Request.get(server.uri("/start")))) {
            assertThat(r.body().text()).isEqualTo("reached with GET");
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex).containsExactly(0, 0);
        }
    }

    @Test
    void aLoopIsAViolation() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: " + (req.target().equals("/a") ? "/b" : "/a")))))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/a"))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("loop");
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void moreRedirectsThanTheLimitIsAViolation() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: /r" + (Integer.parseInt(req.target().substring(2)) + 1)))));
             Client limited = Client.builder().maxRedirects(3).build()) {
            assertThatThrownBy(() -> limited.send(Request.get(server.uri("/r0"))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("more than 3 redirects");
            assertThat(server.requests()).hasSize(4);
        }
    }

    @Test
    void exactlyTheLimitOfRedirectsIsFollowed() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            int n = Integer.parseInt(req.target().substring(2));
            r.send(n < 3 ? Responses.status(302, "", "Location: /r" + (n + 1)) : Responses.ok("done"));
        })); Client limited = Client.builder().maxRedirects(3).build();
             Response r = limited.send(Request.get(server.uri("/r0")))) {
            assertThat(r.body().text()).isEqualTo("done");
            assertThat(r.history()).hasSize(3);
        }
    }

    @Test
    void redirectsAreReturnedWhenFollowingIsOff() throws IOException {
        try (var server = redirecting(301); Client noFollow = Client.builder().followRedirects(false).build();
             Response r = noFollow.send(Request.get(server.uri("/start")))) {
            assertThat(r.status()).isEqualTo(301);
            assertThat(r.history()).isEmpty();
            assertThat(r.body().text()).isEqualTo("moved");
        }
    }

    @Test
    void aRedirectWithoutLocationIsReturnedAsIs() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(302, "nowhere"))));
             Response r = client.send(Request.get(server.uri("/x")))) {
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.body().text()).isEqualTo("nowhere");
        }
    }

    @Test
    void aRedirectToANonHttpSchemeIsAViolation() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: ftp://127.0.0.1/file"))))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/x"))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("ftp://");
        }
    }

    @Test
    void aNonAsciiLocationIsFollowedPercentEncoded() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/start")
                ? Responses.status(302, "", "Location: /caf\u00c3\u00a9")
                : Responses.ok("at " + req.target()))));
             Response r = client.send(Request.get(server.uri("/start")))) {
            assertThat(r.body().text()).isEqualTo("at /caf%C3%A9");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://user:secret@127.0.0.1:1/x", "http://127.0.0.1:99999/x", "http://127.0.0.1:0/x"})
    void anUnusableLocationIsAViolationAndFreesTheConnection(String location) throws IOException {
        try (Client one = Client.builder().maxConnectionsPerHost(1).poolTimeout(WAIT).build();
             var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/start")
                     ? Responses.status(302, "", "Location: " + location)
                     : Responses.ok("fine"))))) {
            assertThatThrownBy(() -> one.send(Request.get(server.uri("/start"))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining(server.uri("/start").toString())
                    .hasMessageContaining("invalid redirect Location");
            // The only connection the client may open to this host was given back.
            try (Response r = one.send(Request.get(server.uri("/next")))) {
                assertThat(r.body().text()).isEqualTo("fine");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"?page=2|/dir/list?page=2", "./a/../b/./c|/dir/b/c", "/x/../../y|/y", "../../../z|/z"})
    void relativeLocationsResolveByRfc3986(String locationAndTarget) throws IOException {
        String location = locationAndTarget.split("\\|")[0];
        String target = locationAndTarget.split("\\|")[1];
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/dir/list?page=1")
                     ? Responses.status(302, "", "Location: " + location)
                     : Responses.ok("at " + req.target()))));
             Response r = client.send(Request.get(server.uri("/dir/list?page=1")))) {
            assertThat(r.body().text()).isEqualTo("at " + target);
        }
    }

    @Test
    void anEmptyLocationIsTheSameUrlAndSoALoop() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: "))))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/same"))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("redirect loop");
        }
    }

    @Test
    void differingLocationFieldsAreAViolationAndRepeatedEqualOnesAreFollowed() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(switch (req.target()) {
            case "/two" -> Responses.status(302, "", "Location: /a", "Location: /b");
            case "/same" -> Responses.status(302, "", "Location: /a", "Location: /a");
            default -> Responses.ok("at " + req.target());
        })))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/two"))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("several different Location fields");
            try (Response r = client.send(Request.get(server.uri("/same")))) {
                assertThat(r.body().text()).isEqualTo("at /a");
            }
            assertThat(client.poolState()).contains("leased=0");
        }
    }
}
