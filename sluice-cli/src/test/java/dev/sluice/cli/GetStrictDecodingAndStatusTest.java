package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sluice get} on bytes after compressed data (exit 6, no file), on statuses outside
 * 100..599 (a 5xx to RFC 9110 §15: exit 3, or the body with --no-fail) and on a gzip 206
 * (delivered as sent).
 */
class GetStrictDecodingAndStatusTest {
    private static final String TEXT = "a line of the decoded body\n".repeat(400);

    @TempDir
    Path dir;

    @Test
    void aChunkedGzipBodyWithBytesAfterTheMemberAndNoLastChunkIsAProtocolErrorAndLeavesNoFile() throws IOException {
        byte[] member = Gzip.of(TEXT);
        Path file = dir.resolve("out.txt");
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Transfer-Encoding: chunked"))
                .send(Integer.toHexString(member.length) + "\r\n").send(member).send("\r\n3\r\nabc\r\n").close()))) {
            Cli.Result result = Cli.run("get", server.uri("/z").toString(), "-o", file.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + server.uri("/z") + ": ")
                    .contains("bytes follow the end of its gzip data");
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aSecondGzipMemberCutInsideItsHeaderIsAProtocolError() throws IOException {
        byte[] first = Gzip.of(TEXT);
        byte[] body = Arrays.copyOf(first, first.length + 5);
        System.arraycopy(Gzip.of("x"), 0, body, first.length, 5);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + body.length)).send(body)))) {
            Cli.Result result = Cli.run("get", server.uri("/m2").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stderr()).contains("cut inside the header of member 2");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"099", "600"})
    void aStatusOutside100To599IsAnHttpStatusFailure(String code) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send("HTTP/1.1 " + code + " Weird\r\nContent-Length: 4\r\n\r\nbody")))) {
            Cli.Result result = Cli.run("get", server.uri("/s").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(result.stderr()).isEqualTo("sluice: " + server.uri("/s") + ": HTTP " + code + " Weird\n");

            Cli.Result accepted = Cli.run("get", "--no-fail", server.uri("/s").toString());
            assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
            assertThat(accepted.stdoutText()).isEqualTo("body");
        }
    }

    @Test
    void aGzip206IsWrittenAsSent() throws IOException {
        byte[] gz = Gzip.of(TEXT);
        byte[] range = Arrays.copyOfRange(gz, 10, 200);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(206, "Content-Encoding: gzip", "Content-Length: " + range.length,
                        "Content-Range: bytes 10-199/" + gz.length)).send(range)))) {
            Cli.Result result = Cli.run("get", server.uri("/r").toString(), "-H", "Range: bytes=10-199");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo(range);
        }
    }
}
