package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * User information in a URL ({@code http://user:password@host/}) is sent as Basic
 * authentication, as curl and requests send it; never in the request line or Host, never to
 * another origin, and never shown in a message.
 */
class UrlCredentialsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Client client = Client.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code server}'s URL for {@code path} with {@code userInfo} in it. */
    private static URI withUserInfo(ScriptedServer server, String userInfo, String path) {
        return URI.create("http://" + userInfo + "@127.0.0.1:" + server.port() + path);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alice:secret      | alice:secret",
        "al%C3%AFce:p%40ss:w | al\u00efce:p@ss:w",
        "us%3Aer:pw        | us:er:pw",
        "alice             | alice:",
        "alice:            | alice:"})
    void userInformationIsSentAsBasicAuthenticationAndNowhereElse(String userInfo, String decoded) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("in"))));
             Response r = client.send(Request.get(withUserInfo(server, userInfo, "/private?x=1")))) {
            assertThat(r.body().text()).isEqualTo("in");
            RecordedRequest req = server.awaitRequests(1, WAIT).getFirst();
            assertThat(req.header("Authorization")).isEqualTo(basic(decoded));
            assertThat(req.target()).isEqualTo("/private?x=1");
            assertThat(req.header("Host")).isEqualTo("127.0.0.1:" + server.port());
        }
    }

    @Test
    void theRequestsOwnAuthorizationWins() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("in"))));
             Response r = client.send(Request.newBuilder(withUserInfo(server, "alice:secret", "/"))
                     .header("Authorization", "Bearer token").build())) {
            r.body().text();
            assertThat(server.awaitRequests(1, WAIT).getFirst().header("Authorization")).isEqualTo("Bearer token");
        }
    }

    @Test
    void anEmptyAuthorizationLeavesTheUrlsCredentialsUnsent() throws IOException {
        // As curl's -H 'Authorization:': the field the client would add is left out altogether.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("in"))));
             Response r = client.send(Request.newBuilder(withUserInfo(server, "alice:secret", "/"))
                     .header("Authorization", "").build())) {
            r.body().text();
            assertThat(server.awaitRequests(1, WAIT).getFirst().header("Authorization")).isNull();
        }
    }

    @Test
    void theCredentialsFollowARedirectOnTheSameOriginOnly() throws IOException {
        try (var other = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("other"))));
             var first = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(switch (req.target()) {
                 case "/start" -> Responses.status(302, "", "Location: /next");
                 default -> Responses.status(307, "", "Location: " + other.uri("/landing"));
             })));
             Response r = client.send(Request.get(withUserInfo(first, "alice:secret", "/start")))) {
            assertThat(r.body().text()).isEqualTo("other");
            assertThat(first.awaitRequests(2, WAIT)).extracting(req -> req.header("Authorization"))
                    .containsExactly(basic("alice:secret"), basic("alice:secret"));
            assertThat(other.awaitRequests(1, WAIT).getFirst().header("Authorization")).isNull();
        }
    }

    @Test
    void aMessageNamingTheUrlHidesThePassword() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = socket.getLocalPort();
        }
        URI refused = URI.create("http://alice:s3cr3t@127.0.0.1:" + port + "/x");
        assertThatThrownBy(() -> client.send(Request.get(refused)))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageStartingWith("http://alice:***@127.0.0.1:" + port + "/x: ")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> Request.get("http://alice:s3cr3t@127.0.0.1:99999/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://alice:***@127.0.0.1:99999/x")
                .hasMessageNotContaining("s3cr3t");
        assertThat(Request.get(refused).toString()).isEqualTo("GET http://alice:***@127.0.0.1:" + port + "/x");
        assertThat(Request.hidePasswords("see http://a:b@h/, https://c:d%40e@f:1?q and http://g@h/"))
                .isEqualTo("see http://a:***@h/, https://c:***@f:1?q and http://***@h/");
        assertThatThrownBy(() -> Request.get("http://alice:s3cr3t@127.0.0.1:80/a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(causeChainText(e)).doesNotContain("s3cr3t"));
    }

    @Test
    void aTokenGivenAsTheUserIsHiddenWhole() {
        // https://TOKEN@host/ (as git hosts take): user information without a password is a secret too.
        assertThat(Request.hidePasswords("https://ghp_abc123@example.org/repo")).isEqualTo("https://***@example.org/repo");
        assertThat(Request.get("https://ghp_abc123@example.org/repo").toString()).doesNotContain("ghp_abc123");
    }

    @Test
    void responsesAndRedirectsNameTheirUrlsWithoutThePassword() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(switch (req.target()) {
                 case "/start" -> Responses.status(301, "", "Location: /end");
                 default -> Responses.ok("end");
             })));
             Response r = client.send(Request.get(withUserInfo(server, "alice:s3cr3t", "/start")))) {
            assertThat(r.toString()).contains("alice:***@").doesNotContain("s3cr3t");
            assertThat(r.history()).singleElement().asString().contains("alice:***@").doesNotContain("s3cr3t");
        }
    }

    @Test
    void anAbsoluteLocationOnTheSameOriginKeepsTheCredentials() throws IOException {
        // A trailing-slash redirect written in full, as servers often send it.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(switch (req.target()) {
                 case "/dir" -> Responses.status(301, "", "Location: " + req.header("X-Self") + "/dir/");
                 default -> Responses.ok("listing");
             })))) {
            String self = "http://127.0.0.1:" + server.port();
            try (Response r = client.send(Request.newBuilder(withUserInfo(server, "alice:secret", "/dir"))
                    .header("X-Self", self).build())) {
                assertThat(r.body().text()).isEqualTo("listing");
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(req -> req.header("Authorization"))
                    .containsExactly(basic("alice:secret"), basic("alice:secret"));
        }
    }

    private static String causeChainText(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append('\n');
        }
        return b.toString();
    }

    @Test
    void aLocationWithCredentialsIsStillRefusedWithoutShowingThem() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: http://mallory:pw123@127.0.0.1:1/x"))))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/start"))))
                    .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.isPermanent()).isTrue())
                    .hasMessageContaining("invalid redirect Location")
                    .hasMessageContaining("credentials")
                    .hasMessageNotContaining("pw123");
        }
    }
}
