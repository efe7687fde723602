package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An error message is one short line that names the URL and the cause, however much text the
 * server put where the message quotes it: the CLI prints it on stderr and the download report
 * stores it. Each head here holds some 60 KB of server-chosen text, within the 64 KiB head limit.
 */
class ServerTextInErrorsTest {
    /** Far above any message that quotes 80 characters of server text, far below 60 KB. */
    private static final int MAX_MESSAGE_CHARS = 300;
    private static final String LONG = "x".repeat(60_000);

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    static Stream<Arguments> hostileHeads() {
        return Stream.of(
                Arguments.of("Content-Length: 5, 6, " + LONG, "Content-Length has differing values"),
                Arguments.of("Content-Length: 5, 6" + LONG, "is not a decimal number"),
                Arguments.of("Content-Length: 99999999999999999999" + LONG, "is larger than"),
                Arguments.of("A".repeat(60_000) + ": \u0001", "contains 0x01"),
                Arguments.of("Transfer-Encoding: chunked, g" + "g".repeat(60_000) + ", chunked",
                        "Transfer-Encoding lists chunked 2 times"),
                Arguments.of("Transfer-Encoding: y" + LONG, "transfer coding that cannot be undone"));
    }

    @ParameterizedTest
    @MethodSource("hostileHeads")
    void aProtocolErrorQuotesLittleOfTheHead(String fieldLine, String cause) throws IOException {
        String response = "HTTP/1.1 200 OK\r\n" + fieldLine + "\r\n\r\nhello";
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send(response).close()))) {
            URI uri = server.uri("/hostile");

            ProtocolViolationException e = catchThrowableOfType(ProtocolViolationException.class,
                    () -> client.send(Request.get(uri)).close());

            assertThat(e.getMessage()).contains(uri.toString()).contains(cause).hasSizeLessThan(MAX_MESSAGE_CHARS);
        }
    }

    @Test
    void aLongReasonPhraseIsCutInTheMessageButKeptWhole() throws IOException {
        String reason = "N" + "o".repeat(60_000);
        String response = "HTTP/1.1 404 " + reason + "\r\nContent-Length: 0\r\n\r\n";
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send(response).close()));
             Response r = client.send(Request.get(server.uri("/missing")))) {

            HttpStatusException e = catchThrowableOfType(HttpStatusException.class, r::raiseForStatus);

            assertThat(e.getMessage()).startsWith(server.uri("/missing") + ": HTTP 404 Nooo").endsWith("...")
                    .hasSizeLessThan(MAX_MESSAGE_CHARS);
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(r.reason()).isEqualTo(reason);
        }
    }

    @Test
    void controlCharactersInTheReasonPhraseAreEscapedInTheMessage() throws IOException {
        // A reason phrase may hold HTAB and obs-text; ISO-8859-1 turns 0x85 into U+0085 (NEL), a line break to some terminals.
        String response = "HTTP/1.1 500 Broken\tbadly\u0085here\r\nContent-Length: 0\r\n\r\n";
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send(response).close()));
             Response r = client.send(Request.get(server.uri("/broken")))) {

            HttpStatusException e = catchThrowableOfType(HttpStatusException.class, r::raiseForStatus);

            assertThat(e.getMessage()).isEqualTo(server.uri("/broken") + ": HTTP 500 Broken\\u0009badly\\u0085here");
            assertThat(e.reason()).isEqualTo("Broken\tbadly\u0085here");
        }
    }

    @Test
    void bidiOverridesAndLineSeparatorsInAUtf8ReasonPhraseAreEscapedInTheMessage() throws IOException {
        // The response goes out one octet per character: these are the UTF-8 octets of
        // "Not Found", a right-to-left override, "gnp.exe", a line separator and "x".
        String utf8Reason = "Not Found\u00e2\u0080\u00aegnp.exe\u00e2\u0080\u00a8x";
        String response = "HTTP/1.1 404 " + utf8Reason + "\r\nContent-Length: 0\r\n\r\n";
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send(response).close()));
             Response r = client.send(Request.get(server.uri("/rlo")))) {

            HttpStatusException e = catchThrowableOfType(HttpStatusException.class, r::raiseForStatus);

            assertThat(e.getMessage()).isEqualTo(server.uri("/rlo") + ": HTTP 404 Not Found\\u202egnp.exe\\u2028x");
            assertThat(e.reason()).isEqualTo("Not Found\u202Egnp.exe\u2028x");
        }
    }

    static Stream<Arguments> hostileRedirects() {
        return Stream.of(
                Arguments.of("Location: ftp://h/" + LONG, "redirect to a non-http URL"),
                Arguments.of("Location: http://h:99999/" + LONG, "invalid redirect Location"),
                Arguments.of("Location: /a" + LONG.substring(30_000) + "\r\nLocation: /b" + LONG.substring(30_000),
                        "several different Location fields"));
    }

    @ParameterizedTest
    @MethodSource("hostileRedirects")
    void aBadRedirectQuotesLittleOfItsLocation(String locationLines, String cause) throws IOException {
        String response = "HTTP/1.1 302 Found\r\n" + locationLines + "\r\nContent-Length: 0\r\n\r\n";
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send(response).close()))) {
            URI uri = server.uri("/redirect");

            ProtocolViolationException e = catchThrowableOfType(ProtocolViolationException.class,
                    () -> client.send(Request.get(uri)).close());

            // The Location quoted once (200 characters at most), not again in the cause.
            assertThat(e.getMessage()).contains(uri.toString()).contains(cause).hasSizeLessThan(400);
        }
    }

    @Test
    void anErrorAfterARedirectToAVeryLongUrlShowsTheStartOfIt() throws IOException {
        String path = "/" + "p".repeat(60_000);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().startsWith("/start")
                ? "HTTP/1.1 302 Found\r\nLocation: " + path + "\r\nContent-Length: 0\r\n\r\n"
                : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")));
             Response r = client.send(Request.get(server.uri("/start")))) {

            HttpStatusException e = catchThrowableOfType(HttpStatusException.class, r::raiseForStatus);

            assertThat(e.uri().toString()).endsWith(path);
            assertThat(e.getMessage()).startsWith(server.uri("/pppp").toString()).contains("...: HTTP 404 Not Found")
                    .hasSizeLessThan(2200);
        }
    }
}
