package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Responses without a body whatever their Content-Length says (HEAD, 204, 304; RFC 9112 §6.3)
 * leave the connection reusable; interim 1xx responses are skipped.
 */
class BodilessResponseTest {
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

    /** Answers the first request with {@code first}, verbatim, and every later one with "next". */
    private static ScriptedServer firstThenOk(String first) throws IOException {
        return ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(first))
                .onEveryRequest((req, r) -> r.send(Responses.ok("next"))));
    }

    private void assertNextRequestReusesTheConnection(ScriptedServer server) throws IOException {
        try (Response r = client.send(Request.get(server.uri("/next")))) {
            assertThat(r.body().text()).isEqualTo("next");
        }
        assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex).containsExactly(0, 0);
    }

    @Test
    void aHeadResponseWithContentLengthHasNoBody() throws IOException {
        try (var server = firstThenOk(Responses.head(200, "Content-Length: 5000", "Content-Type: text/plain"))) {
            try (Response r = client.send(Request.head(server.uri("/head").toString()))) {
                assertThat(r.headers().first("Content-Length")).contains("5000");
                assertThat(r.body().bytes()).isEmpty();
            }
            assertNextRequestReusesTheConnection(server);
        }
    }

    @Test
    void aHeadResponseLeftUnreadStillFreesTheConnection() throws IOException {
        try (var server = firstThenOk(Responses.head(200, "Content-Length: 5000"))) {
            client.send(Request.head(server.uri("/head").toString())).close();
            assertNextRequestReusesTheConnection(server);
        }
    }

    @Test
    void a204HasNoBody() throws IOException {
        try (var server = firstThenOk(Responses.head(204, "Content-Length: 0"))) {
            try (Response r = client.send(Request.delete(server.uri("/thing").toString()))) {
                assertThat(r.status()).isEqualTo(204);
                assertThat(r.body().bytes()).isEmpty();
                assertThat(r.body().contentLength()).hasValue(0);
            }
            assertNextRequestReusesTheConnection(server);
        }
    }

    @Test
    void a304WithContentLengthHasNoBody() throws IOException {
        try (var server = firstThenOk(Responses.head(304, "Content-Length: 12345", "ETag: \"v1\""))) {
            try (Response r = client.send(Request.newBuilder(server.uri("/cached")).header("If-None-Match", "\"v1\"").build())) {
                assertThat(r.status()).isEqualTo(304);
                assertThat(r.body().text()).isEmpty();
            }
            assertNextRequestReusesTheConnection(server);
        }
    }

    @Test
    void a304LeftUnreadStillFreesTheConnection() throws IOException {
        try (var server = firstThenOk(Responses.head(304, "Content-Length: 12345"))) {
            client.send(Request.get(server.uri("/cached"))).close();
            assertNextRequestReusesTheConnection(server);
        }
    }

    @Test
    void interimResponsesAreSkipped() throws IOException {
        try (var server = firstThenOk("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                + Responses.status(200, "final", "X-Final: yes"))) {
            try (Response r = client.send(Request.get(server.uri("/hints")))) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers().first("X-Final")).contains("yes");
                assertThat(r.headers().contains("Link")).isFalse();
                assertThat(r.body().text()).isEqualTo("final");
            }
            assertNextRequestReusesTheConnection(server);
        }
    }

    @Test
    void interimResponsesArrivingInPiecesAreSkipped() throws IOException {
        String all = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + Responses.ok("pieces");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.sendInPieces(all, 3)));
             Response r = client.send(Request.get(server.uri("/slow-hints")))) {
            assertThat(r.body().text()).isEqualTo("pieces");
        }
    }

    @Test
    void a204WithAStrayBodyIsNotReused() throws IOException {
        // Bytes after a bodiless response cannot be the next response: the connection must not be reused.
        try (var server = firstThenOk(Responses.head(204) + "garbage-after-204")) {
            try (Response r = client.send(Request.get(server.uri("/stray")))) {
                assertThat(r.status()).isEqualTo(204);
            }
            try (Response r = client.send(Request.get(server.uri("/next")))) {
                assertThat(r.body().text()).isEqualTo("next");
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex).containsExactly(0, 1);
        }
    }
}
