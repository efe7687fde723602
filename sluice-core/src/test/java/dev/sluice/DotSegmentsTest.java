package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code .} and {@code ..} segments of a URL's path are resolved before it is sent (RFC 3986
 * §5.2.4, §6.2.2.3), as curl, requests, aiohttp and OkHttp send it and as a redirect's Location
 * already was. They were sent as written: a server that maps targets to files as written could
 * serve what is above the directory the URL names, and the request's URL, the file name taken
 * from it and what the server was asked for disagreed.
 */
class DotSegmentsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            /a/../b            | /b
            /a/./b/.           | /a/b/
            /a/b/../../c?x=/../y | /c?x=/../y
            /..                | /
            /../../etc/passwd  | /etc/passwd
            /a/..              | /
            /a/%2E%2E/b        | /a/%2E%2E/b
            /a/..b/.c          | /a/..b/.c
            """)
    void theServerIsAskedForThePathWithItsDotSegmentsResolved(String path, String sent) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))));
             Client client = Client.builder().readTimeout(WAIT).build()) {
            String url = "http://127.0.0.1:" + server.uri("/").getPort() + path;
            try (Response r = client.send(Request.get(url))) {
                assertThat(r.body().text()).isEqualTo(sent);
                assertThat(r.uri().getRawPath() + (r.uri().getRawQuery() == null ? "" : "?" + r.uri().getRawQuery()))
                        .isEqualTo(sent);
            }
            assertThat(server.awaitRequests(1, WAIT)).extracting(RecordedRequest::target).containsExactly(sent);
        }
    }

    @Test
    void theRequestKeepsTheRestOfTheUrlAsWritten() {
        Request r = Request.get("http://alice:s%3Acret@127.0.0.1:8080/a/b/../c%20d?q=%41#frag/../x");
        assertThat(r.uri().toString()).isEqualTo("http://alice:s%3Acret@127.0.0.1:8080/a/c%20d?q=%41#frag/../x");
        assertThat(Request.get(URI.create("http://[::1]/./x")).uri().toString()).isEqualTo("http://[::1]/x");
        assertThat(Request.get("http://my_host:81/x/../y").uri().toString()).isEqualTo("http://my_host:81/y");
    }

    @Test
    void aRelativeRedirectResolvesAgainstTheResolvedPath() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/b/first")
                     ? "HTTP/1.1 302 Found\r\nLocation: next\r\nContent-Length: 0\r\n\r\n"
                     : Responses.ok(req.target()))));
             Client client = Client.builder().readTimeout(WAIT).build()) {
            try (Response r = client.send(Request.get(server.uri("/a/../b/first")))) {
                assertThat(r.body().text()).isEqualTo("/b/next");
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::target).containsExactly("/b/first", "/b/next");
        }
    }
}
