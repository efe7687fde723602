package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Final statuses (exit 3 or --no-fail) and redirects (followed, limited, looped, or not followed). */
class GetStatusAndRedirectTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aNotFoundStatusExitsWith3AndWritesNothing() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(404, "<h1>no such page</h1>"))))) {
            Cli.Result result = Cli.run("get", server.uri("/x").toString());

            assertThat(result.exitCode()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderr()).isEqualTo("sluice: " + server.uri("/x") + ": HTTP 404 Not Found\n");
        }
    }

    @Test
    void aFailureOfAUrlWithDotSegmentsNamesItOnceAsRequested() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(404, "<h1>no such page</h1>"))))) {
            Cli.Result result = Cli.run("get", server.uri("/c/../x").toString());

            assertThat(result.exitCode()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(result.stderr()).isEqualTo("sluice: " + server.uri("/x") + ": HTTP 404 Not Found\n");
        }
    }

    @Test
    void aFailureNamesAVeryLongUrlOnceShortened() throws IOException {
        // The library quotes a URL over 2,048 characters shortened; the line must not then
        // carry it whole in front as well.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(404, ""))))) {
            String url = server.uri("/" + "x".repeat(4000)).toString();
            Cli.Result result = Cli.run("get", url);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + url.substring(0, 100)).endsWith("HTTP 404 Not Found")
                    .hasSizeLessThan(3000);
        }
    }

    @Test
    void aServerErrorExitsWith3() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(503, "busy"))))) {
            Cli.Result result = Cli.run("get", server.uri("/x").toString());

            assertThat(result.exitCode()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(result.stderr()).contains("HTTP 503");
        }
    }

    @Test
    void noFailAcceptsAnErrorStatusAndWritesItsBody() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(500, "error page"))))) {
            Cli.Result result = Cli.run("get", "--no-fail", server.uri("/x").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdoutText()).isEqualTo("error page");
            assertThat(result.stderr()).isEmpty();
        }
    }

    @Test
    void aRedirectIsFollowedToTheBodyOfItsTarget() throws IOException {
        try (var server = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.status(302, "moved", "Location: /b")))
                .onRequest(1, r -> r.send(Responses.ok("arrived"))))) {
            Cli.Result result = Cli.run("get", server.uri("/a").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdoutText()).isEqualTo("arrived");
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::target).containsExactly("/a", "/b");
        }
    }

    @Test
    void noRedirectsMakesTheRedirectTheResultWithItsBody() throws IOException {
        try (var server = ScriptedServer.start(s -> s
                .onEveryRequest((req, r) -> r.send(Responses.status(301, "see /b", "Location: /b"))))) {
            Cli.Result result = Cli.run("get", "--no-redirects", server.uri("/a").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdoutText()).isEqualTo("see /b");
            assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/a");
        }
    }

    @Test
    void aRedirectLoopIsAProtocolError() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: " + (req.target().equals("/a") ? "/b" : "/a")))))) {
            Cli.Result result = Cli.run("get", server.uri("/a").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + server.uri("/a") + ": ").contains("loop");
        }
    }

    @Test
    void moreThanTenRedirectsIsAProtocolErrorByDefault() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.status(302, "", "Location: /r" + (Integer.parseInt(req.target().substring(2)) + 1)))))) {
            Cli.Result result = Cli.run("get", server.uri("/r0").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stderr()).contains("more than 10 redirects");
            assertThat(server.requests()).hasSize(11);
        }
    }

    @Test
    void maxRedirectsLowersTheLimit() throws IOException {
        try (var server = chainOfRedirects(3)) {
            Cli.Result tooFew = Cli.run("get", "--max-redirects", "2", server.uri("/r0").toString());
            Cli.Result enough = Cli.run("get", "--max-redirects", "3", server.uri("/r0").toString());

            assertThat(tooFew.exitCode()).as(tooFew.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(tooFew.stdout()).isEmpty();
            assertThat(enough.exitCode()).as(enough.toString()).isZero();
            assertThat(enough.stdoutText()).isEqualTo("end of the chain");
        }
    }

    @Test
    void maxRedirectsZeroRefusesTheFirstRedirect() throws IOException {
        try (var server = chainOfRedirects(1)) {
            Cli.Result result = Cli.run("get", "--max-redirects", "0", server.uri("/r0").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
        }
    }

    @Test
    void aPostRedirectedWith303BecomesAGetWithoutBody() throws IOException {
        try (var server = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.status(303, "", "Location: /result")))
                .onRequest(1, r -> r.send(Responses.ok("done"))))) {
            Cli.Result result = Cli.run("get", server.uri("/form").toString(), "-d", "a=1");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::method).containsExactly("POST", "GET");
            assertThat(server.requests().get(1).body()).isEmpty();
        }
    }

    /** /r0 redirects to /r1 ... to /rN, which answers "end of the chain". */
    private static ScriptedServer chainOfRedirects(int redirects) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            int n = Integer.parseInt(req.target().substring(2));
            r.send(n < redirects ? Responses.status(302, "", "Location: /r" + (n + 1)) : Responses.ok("end of the chain"));
        }));
    }
}
