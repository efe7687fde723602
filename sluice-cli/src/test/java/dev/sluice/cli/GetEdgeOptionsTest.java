package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Options of {@code get} at their edges, as a curl user would use them: empty header values,
 * output names, methods that take no body, and a redirect the client cannot follow.
 */
class GetEdgeOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void anEmptyHeaderValueLeavesTheFieldOutEvenOneTheClientWouldAdd() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/form").toString(), "-d", "a=b",
                    "-H", "Content-Type:", "-H", "User-Agent:", "-H", "Accept:", "-H", "X-Custom:");

            RecordedRequest seen = onlyRequest(server, result);
            assertThat(seen.headerValues("Content-Type")).isEmpty();
            assertThat(seen.headerValues("User-Agent")).isEmpty();
            assertThat(seen.headerValues("Accept")).isEmpty();
            assertThat(seen.headerValues("X-Custom")).isEmpty();
            assertThat(seen.bodyText()).isEqualTo("a=b");
        }
    }

    @Test
    void anEmptyAuthorizationKeepsTheUrlsCredentialsFromBeingSent() throws IOException {
        try (var server = okServer()) {
            String url = server.uri("/private").toString().replace("http://", "http://u:p@");
            Cli.Result result = Cli.run("get", url, "-H", "Authorization:");

            assertThat(onlyRequest(server, result).headerValues("Authorization")).isEmpty();
        }
    }

    @Test
    void anErrorAfterARedirectNamesTheUrlGivenAndWhereItLed() throws IOException {
        // /d redirected to /d/: the line named only the second, which begins like the first.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/d")
                ? Responses.status(301, "", "Location: /d/") : Responses.status(404, "no")))) ) {
            Cli.Result result = Cli.run("get", server.uri("/d").toString());

            assertThat(result.exitCode()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(result.stderrLines()).containsExactly(
                    "sluice: " + server.uri("/d") + ": " + server.uri("/d/") + ": HTTP 404 Not Found");
        }
    }

    @Test
    void aMessageThatNamesTheUrlInItsTextDoesNotGetItInFrontToo() {
        String url = "http://127.0.0.1:1/a%zz";
        Cli.Result result = Cli.run("get", url);

        assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: invalid URL " + url + ": ");
    }

    @Test
    void anEmptyAcceptEncodingIsSentForItAsksForNoContentCoding() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/plain").toString(), "-H", "Accept-Encoding:");

            assertThat(onlyRequest(server, result).headerValues("Accept-Encoding")).containsExactly("");
        }
    }

    @Test
    void aHeaderValueGoesOutAsTheUtf8BytesTyped() throws IOException {
        // Field values are octets (RFC 9110 §5.5): what was typed, as curl sends it.
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/h").toString(), "-H", "X-Name: caf\u00e9 \u65e5\u672c");

            assertThat(onlyRequest(server, result).header("X-Name")).isEqualTo(
                    new String("caf\u00e9 \u65e5\u672c".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void longOptionsTakeTheirValueAfterAnEqualsSignToo() throws IOException {
        // GNU style, as download accepts it: --chunk-size=3 is --chunk-size 3.
        try (var server = okServer()) {
            Path out = dir.resolve("eq.txt");
            Cli.Result result = Cli.run("get", server.uri("/eq").toString(), "--chunk-size=3", "--read-timeout=5",
                    "--header=X-Eq: a=b", "--output=" + out);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(0);
            assertThat(Files.readString(out)).isEqualTo("ok");
            assertThat(server.awaitRequests(1, WAIT).getFirst().headerValues("X-Eq")).containsExactly("a=b");
        }
    }

    @Test
    void anOutputNameEndingInASlashOrEmptyIsAUsageErrorAndNothingIsSent() throws IOException {
        try (var server = okServer()) {
            Cli.Result slash = Cli.run("get", server.uri("/x").toString(), "-o", dir.resolve("sub") + "/");
            Cli.Result empty = Cli.run("get", server.uri("/x").toString(), "-o", "");

            assertThat(slash.exitCode()).as(slash.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(slash.stderr()).contains("-o names a directory");
            assertThat(empty.exitCode()).as(empty.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(Files.exists(dir.resolve("sub"))).isFalse();
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void traceWithABodyAndConnectAreUsageErrors() throws IOException {
        try (var server = okServer()) {
            Cli.Result trace = Cli.run("get", server.uri("/t").toString(), "-X", "TRACE", "-d", "x");
            Cli.Result connect = Cli.run("get", server.uri("/c").toString(), "-X", "CONNECT");

            assertThat(trace.exitCode()).as(trace.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(trace.stderr()).contains("TRACE");
            assertThat(connect.exitCode()).as(connect.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void dataThatIsNotValidTextOnTheCommandLineIsAUsageError() throws IOException {
        try (var server = okServer()) {
            // What the JVM makes of bytes it cannot decode from argv.
            Cli.Result result = Cli.run("get", server.uri("/d").toString(), "-d", "a=\uFFFD");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.stderr()).contains("-d @FILE");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void aRedirectThatCannotBeFollowedWithAStreamBodyIsAProtocolErrorNotItsOwnBody() throws IOException {
        Path fifo = dir.resolve("body.fifo");
        Path out = dir.resolve("out.bin");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/moved")
                ? "HTTP/1.1 307 Temporary Redirect\r\nLocation: /new\r\nContent-Length: 13\r\n\r\nredirect body"
                : Responses.ok("ok"))))) {
            // A pipe has no length and cannot be read twice: the client returns the 307 itself.
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
            assertThat(mkfifo.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    Files.writeString(fifo, "payload", StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Cli.Result result = Cli.run("get", server.uri("/moved").toString(), "-X", "PUT", "-d", "@" + fifo,
                    "-o", out.toString());
            writer.join(WAIT);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stderr()).contains("307 redirect to /new cannot be followed");
            assertThat(Files.exists(out)).isFalse();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFileThatIsReplacedKeepsItsPermissions() throws IOException {
        Path out = dir.resolve("private.txt");
        Files.writeString(out, "old");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/p").toString(), "-o", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(out)).isEqualTo("ok");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        }
    }

    private static ScriptedServer okServer() throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("ok"))));
    }

    private static RecordedRequest onlyRequest(ScriptedServer server, Cli.Result result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdoutText()).isEqualTo("ok");
        return server.awaitRequests(1, WAIT).getFirst();
    }
}
