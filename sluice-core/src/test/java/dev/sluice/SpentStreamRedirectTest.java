package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What Client.send and RequestBody document: a redirect that would repeat a body read from a
 * stream returns the redirect itself, unflagged by raiseForStatus; ofPath fails at once on a
 * missing file. Pins documented behaviour (it held before the documentation said so).
 */
class SpentStreamRedirectTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest
    @CsvSource({"PUT, 307", "POST, 308", "PUT, 301", "PATCH, 302"})
    void aRedirectThatWouldRepeatAStreamIsReturnedItselfAndNotFlagged(String method, int status) throws IOException {
        try (Client client = Client.builder().readTimeout(WAIT).build();
             var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/start")
                     ? Responses.status(status, "moved", "Location: /target")
                     : Responses.ok("reached"))));
             Response r = client.send(Request.newBuilder(server.uri("/start").toString())
                     .method(method, RequestBody.ofInputStream(
                             new ByteArrayInputStream("once".getBytes(StandardCharsets.UTF_8)), OptionalLong.of(4)))
                     .build())) {
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.history()).isEmpty();
            assertThat(r.raiseForStatus()).isSameAs(r);
            assertThat(r.headers().first("Location")).contains("/target");
        }
    }

    @ParameterizedTest
    @CsvSource({"PUT, 307", "POST, 308"})
    void aRedirectOfTheHeadAloneTakesTheUnreadStreamAlong(String method, int status) throws IOException {
        // A stream of unknown length goes with Expect: 100-continue; a server that redirects
        // the head (as object stores send a 307 to another endpoint) has had no byte of it, so
        // the stream is whole and goes to the Location.
        try (Client client = Client.builder().readTimeout(WAIT).build();
             var server = ScriptedServer.start(s -> s
                     .onConnection(0, c -> c.expectRequestHead()
                             .send(Responses.status(status, "moved", "Location: /target")).awaitClientClose())
                     .onEveryConnection(c -> c.expectRequestAfterContinue().send(Responses.ok("reached")).close()));
             Response r = client.send(Request.newBuilder(server.uri("/start").toString())
                     .method(method, RequestBody.ofInputStream(
                             new ByteArrayInputStream("once".getBytes(StandardCharsets.UTF_8)), OptionalLong.empty()))
                     .build())) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().text()).isEqualTo("reached");
            assertThat(r.history()).hasSize(1);
            var requests = server.awaitRequests(2, WAIT);
            assertThat(requests.get(0).header("Expect")).isEqualTo("100-continue");
            assertThat(requests.get(1).target()).isEqualTo("/target");
            assertThat(requests.get(1).bodyText()).isEqualTo("once");
        }
    }

    @Test
    void ofPathOnAMissingFileFailsAtOnceNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing.bin");
        assertThatThrownBy(() -> RequestBody.ofPath(missing))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing.toString())
                .cause().isInstanceOf(NoSuchFileException.class);
    }
}
