package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A caller's Host is for the URL it gave, not for another origin a redirect leads to; a
 * redirect back to the same URL is followed once more before it counts as a loop; failures of
 * the redirects themselves are permanent (a retry meets them again).
 */
class RedirectHostAndLoopTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Client client = Client.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void aCallersHostIsNotSentToAnotherOriginAfterARedirect() throws IOException {
        try (var other = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("other"))));
             var first = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                     Responses.status(302, "", "Location: " + other.uri("/landing")))));
             Response r = client.send(Request.newBuilder(first.uri("/start")).header("Host", "example.com").build())) {
            assertThat(r.body().text()).isEqualTo("other");
            assertThat(first.awaitRequests(1, WAIT).getFirst().header("Host")).isEqualTo("example.com");
            RecordedRequest atOther = other.awaitRequests(1, WAIT).getFirst();
            assertThat(atOther.header("Host")).isEqualTo("127.0.0.1:" + other.port());
        }
    }

    @Test
    void aCallersHostIsKeptOnTheSameOrigin() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/start")
                ? Responses.status(301, "", "Location: /landing")
                : Responses.ok("same"))));
             Response r = client.send(Request.newBuilder(server.uri("/start")).header("Host", "example.com").build())) {
            assertThat(r.body().text()).isEqualTo("same");
            assertThat(server.awaitRequests(2, WAIT)).extracting(req -> req.header("Host"))
                    .containsExactly("example.com", "example.com");
        }
    }

    @Test
    void aRedirectToTheSameUrlOnceIsFollowed() throws IOException {
        // As a server that sets a cookie and sends the client back where it was.
        AtomicInteger seen = new AtomicInteger();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(seen.getAndIncrement() == 0
                ? Responses.status(302, "", "Location: /same", "Set-Cookie: s=1")
                : Responses.ok("second time"))));
             Response r = client.send(Request.get(server.uri("/same")))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().text()).isEqualTo("second time");
            assertThat(r.history()).hasSize(1);
        }
    }

    @Test
    void aRedirectToTheSameUrlEveryTimeIsALoopAtTheThirdVisit() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: /same"))))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/same"))))
                    .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.isPermanent()).isTrue())
                    .hasMessageContaining("redirect loop: " + server.uri("/same") + " was already visited twice");
            // Asked twice; the third visit is not made.
            assertThat(server.requests()).hasSize(2);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void aLoopThroughTwoUrlsEndsAtTheThirdVisitOfOne() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: " + (req.target().equals("/a") ? "/b" : "/a")))))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/a"))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("redirect loop");
            // /a, /b, /a, /b: the next would be the third visit of /a.
            assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/a", "/b", "/a", "/b");
        }
    }

    @Test
    void moreRedirectsThanALimitOfOneSaysRedirectInTheSingular() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: /r" + (Integer.parseInt(req.target().substring(2)) + 1)))));
             Client one = Client.builder().maxRedirects(1).build()) {
            assertThatThrownBy(() -> one.send(Request.get(server.uri("/r0"))))
                    .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.isPermanent()).isTrue())
                    .hasMessageContaining("more than 1 redirect (last to " + server.uri("/r2") + ")");
        }
    }

    @Test
    void aLocationThatCannotBeFollowedIsPermanentButACutBodyIsNot() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            switch (req.target()) {
                case "/ftp" -> r.send(Responses.status(302, "", "Location: ftp://127.0.0.1/file"));
                case "/two" -> r.send(Responses.status(302, "", "Location: /a", "Location: /b"));
                default -> r.send(Responses.head(200, "Content-Length: 10") + "cut").close();
            }
        }))) {
            for (String path : new String[] {"/ftp", "/two"}) {
                assertThatThrownBy(() -> client.send(Request.get(server.uri(path))))
                        .as(path)
                        .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.isPermanent()).isTrue());
            }
            try (Response r = client.send(Request.get(server.uri("/cut")))) {
                assertThatThrownBy(() -> r.body().bytes())
                        .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.isPermanent()).isFalse());
            }
        }
    }
}
