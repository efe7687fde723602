package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** -X, -H and -d as the server receives them. */
class GetRequestOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aPlainGetSendsNoBody() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/plain?q=1").toString());

            RecordedRequest seen = onlyRequest(server, result);
            assertThat(seen.method()).isEqualTo("GET");
            assertThat(seen.target()).isEqualTo("/plain?q=1");
            assertThat(seen.body()).isEmpty();
        }
    }

    @Test
    void methodHeadersAndDataReachTheServer() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/put").toString(), "-X", "PUT",
                    "-H", "X-One: first", "-H", "X-Two:second  ", "-H", "X-One: again", "-d", "name=sluice&x=1");

            RecordedRequest seen = onlyRequest(server, result);
            assertThat(seen.method()).isEqualTo("PUT");
            assertThat(seen.headerValues("X-One")).containsExactly("first", "again");
            assertThat(seen.header("X-Two")).isEqualTo("second");
            assertThat(seen.bodyText()).isEqualTo("name=sluice&x=1");
            assertThat(seen.header("Content-Length")).isEqualTo("15");
            assertThat(seen.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        }
    }

    @Test
    void dataWithoutAMethodIsAPost() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/form").toString(), "--data", "a=b");

            RecordedRequest seen = onlyRequest(server, result);
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.bodyText()).isEqualTo("a=b");
        }
    }

    @Test
    void aContentTypeHeaderReplacesTheFormDefault() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/json").toString(),
                    "-H", "content-type: application/json", "-d", "{\"a\":1}");

            RecordedRequest seen = onlyRequest(server, result);
            assertThat(seen.headerValues("Content-Type")).containsExactly("application/json");
            assertThat(seen.bodyText()).isEqualTo("{\"a\":1}");
        }
    }

    @Test
    void dataFromAFileIsSentByteForByte() throws IOException {
        int length = 300_001;
        Path file = PatternBytes.writeFile(dir.resolve("upload.bin"), length);
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/upload").toString(), "-d", "@" + file);

            RecordedRequest seen = onlyRequest(server, result);
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.header("Content-Length")).isEqualTo(Integer.toString(length));
            assertThat(seen.body()).isEqualTo(PatternBytes.bytes(0, length));
        }
    }

    @Test
    void aMissingDataFileIsALocalIoErrorAndNothingIsSent() throws IOException {
        Path missing = dir.resolve("missing.txt");
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/upload").toString(), "-d", "@" + missing);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/upload")
                    + ": cannot read request body file " + missing + ": no such file or directory");
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void anUnreadableDataFileIsALocalIoErrorAndNothingIsSent() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "not for you");
        Files.setPosixFilePermissions(secret, java.util.Set.of());
        // Root reads any file: there the case cannot be made.
        assumeFalse(Files.isReadable(secret), "this user can read a file of mode 000");
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/upload").toString(), "-X", "PUT", "-d", "@" + secret);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/upload")
                    + ": cannot read request body file " + secret + ": permission denied");
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aDirectoryAsDataFileIsALocalIoError() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/upload").toString(), "-d", "@" + dir);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderr()).contains("is a directory");
        }
    }

    @Test
    void aLowerCaseStandardMethodIsSentUpperCase() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/d").toString(), "-X", "delete");

            assertThat(onlyRequest(server, result).method()).isEqualTo("DELETE");
        }
    }

    @Test
    void aHeaderCanReplaceTheDefaultUserAgent() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/ua").toString(), "-H", "User-Agent: test/1.0");

            assertThat(onlyRequest(server, result).headerValues("User-Agent")).containsExactly("test/1.0");
        }
    }

    @Test
    void aHeaderWithoutColonIsAUsageErrorAndNothingIsSent() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/").toString(), "-H", "NoColonHere");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.stderrLines()).singleElement().asString().contains("NoColonHere");
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aHeaderWithAnEmptyNameIsAUsageError() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/").toString(), "-H", ": value");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aCarriageReturnInAHeaderValueIsAUsageErrorAndNothingIsSent() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/").toString(), "-H", "X-Evil: a\r\nInjected: yes");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: " + server.uri("/"));
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aSpaceInAHeaderNameIsAUsageError() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/").toString(), "-H", "Bad Name: x");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aMethodWithASpaceIsAUsageError() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("get", server.uri("/").toString(), "-X", "GET /other HTTP/1.1\r\nX:");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(server.connectionCount()).isZero();
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
