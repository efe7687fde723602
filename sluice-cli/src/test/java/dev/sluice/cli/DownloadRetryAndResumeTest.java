package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --retries} and {@code --continue}: what the server sees and what the report says. */
class DownloadRetryAndResumeTest {
    private static final int LENGTH = 100_000;
    private static final int ALREADY_THERE = 30_000;
    private static final String ETAG = "\"v1\"";

    @TempDir
    Path dir;

    /**
     * Answers a Range request for bytes=N- under If-Range: "v1" with a 206 of the rest, anything
     * else with the whole body; both under ETag "v1".
     */
    private static ScriptedServer rangeServer() throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            if (range != null && range.matches("bytes=\\d+-") && ETAG.equals(req.header("If-Range"))) {
                long from = Long.parseLong(range.substring(6, range.length() - 1));
                r.send(Responses.head(206, "Content-Length: " + (LENGTH - from), "ETag: " + ETAG,
                        "Content-Range: bytes " + from + "-" + (LENGTH - 1) + "/" + LENGTH)).sendPattern(from, LENGTH - from);
            } else {
                r.send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: " + ETAG)).sendPattern(LENGTH);
            }
        }));
    }

    /**
     * A part file as an earlier run leaves it: its validator in an extended attribute (without
     * one, --continue starts over rather than risk splicing two versions of the file).
     */
    private static void writePartFile(Path part) throws IOException {
        Files.write(part, PatternBytes.bytes(0, ALREADY_THERE));
        UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
        assumeTrue(view != null, "no extended attributes here");
        try {
            view.write("sluice.validator", ByteBuffer.wrap(ETAG.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no extended attributes here: " + e);
        }
    }

    @Test
    void continueResumesAPartFileWithARangeRequest() throws IOException {
        writePartFile(dir.resolve("big.bin.part"));
        try (var server = rangeServer()) {
            Cli.Result result = Cli.run("download", server.uri("/files/big.bin").toString(), "-d", dir.toString(),
                    "-c", "--report", dir.resolve("r.json").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests()).singleElement()
                    .extracting(req -> req.header("Range")).isEqualTo("bytes=" + ALREADY_THERE + "-");
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
            assertThat(Listing.filesIn(dir)).containsExactly("big.bin", "r.json");
            // The size of the file at "path", as the per-file line gives it; the request shows what was fetched.
            assertThat(Files.readString(dir.resolve("r.json"))).contains("\"httpStatus\":206,\"bytes\":" + LENGTH + ",");
            // The per-file line gives the size of the file, not only what this run received.
            assertThat(result.stdoutText()).startsWith(dir.resolve("big.bin") + "  " + LENGTH + " bytes  ");
        }
    }

    @Test
    void withoutContinueAnOldPartFileIsNotResumed() throws IOException {
        Files.write(dir.resolve("big.bin.part"), PatternBytes.bytes(0, ALREADY_THERE));
        try (var server = rangeServer()) {
            Cli.Result result = Cli.run("download", server.uri("/files/big.bin").toString(), "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests()).singleElement().extracting(req -> req.header("Range")).isNull();
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }

    @Test
    void continueResumesAPartFileNamedInTheInputFile() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out/sub"));
        writePartFile(out.resolve("named.bin.part"));
        try (var server = rangeServer()) {
            Path list = Files.writeString(dir.resolve("list.txt"), server.uri("/x") + "\tsub/named.bin\n");
            Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", dir.resolve("out").toString(), "--continue");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests()).singleElement()
                    .extracting(req -> req.header("Range")).isEqualTo("bytes=" + ALREADY_THERE + "-");
            assertThat(Files.readAllBytes(out.resolve("named.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }

    @Test
    void continueFetchesAPartFileWithoutAValidatorAgainFromTheStart() throws IOException {
        Files.write(dir.resolve("big.bin.part"), PatternBytes.bytes(0, ALREADY_THERE));
        try (var server = rangeServer()) {
            Cli.Result result = Cli.run("download", server.uri("/files/big.bin").toString(), "-d", dir.toString(), "-c");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests()).singleElement().extracting(req -> req.header("Range")).isNull();
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }

    @Test
    void aBusyServerIsRetriedAfterItsRetryAfterAndTheReportCountsTwoAttempts() throws IOException {
        Path report = dir.resolve("report.json");
        try (var server = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.status(503, "busy", "Retry-After: 0")))
                .onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            Cli.Result result = Cli.run("download", server.uri("/data.txt").toString(), "-d", dir.toString(),
                    "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(dir.resolve("data.txt"))).isEqualTo("payload");
            assertThat(server.requests()).hasSize(2);
            assertThat(Files.readString(report)).contains("\"ok\":true,\"httpStatus\":200,\"bytes\":7,")
                    .contains("\"attempts\":2,\"error\":null");
            // Off a terminal, a retry gets a line on stdout (a wait may be long); a retry that
            // succeeds is no error, so stderr stays empty.
            assertThat(result.stdoutText()).contains("data.txt  retrying in 0.00 s (attempt 2): " + server.uri("/data.txt")
                    + ": HTTP 503 Service Unavailable");
            assertThat(result.stderr()).isEmpty();
        }
    }

    @Test
    void retriesZeroMakesOneAttemptOnly() throws IOException {
        Path report = dir.resolve("report.json");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(503, "busy", "Retry-After: 0"))))) {
            Cli.Result result = Cli.run("download", server.uri("/data.txt").toString(), "-d", dir.toString(),
                    "--retries", "0", "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(server.requests()).hasSize(1);
            assertThat(Files.readString(report)).contains("\"attempts\":1,\"error\":{\"kind\":\"http\"");
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/data.txt") + ": HTTP 503 Service Unavailable");
        }
    }

    @Test
    void retriesGiveUpAfterTheirNumberAndReportEveryAttempt() throws IOException {
        Path report = dir.resolve("report.json");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(503, "busy", "Retry-After: 0"))))) {
            Cli.Result result = Cli.run("download", server.uri("/data.txt").toString(), "-d", dir.toString(),
                    "--retries", "2", "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/data.txt", "/data.txt", "/data.txt");
            assertThat(Files.readString(report)).contains("\"attempts\":3,");
            assertThat(result.stderrLines()).as("one error line; the retries are on stdout")
                    .containsExactly("sluice: " + server.uri("/data.txt") + ": HTTP 503 Service Unavailable");
            assertThat(result.stdoutText()).contains("retrying in 0.00 s (attempt 2)", "retrying in 0.00 s (attempt 3)");
            assertThat(Listing.filesIn(dir)).containsExactly("report.json");
            assertThat(Cli.run("download", "--help").stdoutText()).as("the help says where the lines go")
                    .contains("a line per retry with its cause and wait, and a total line;",
                            "standard error gets one line per failed file. ");
        }
    }

    @Test
    void aBodyCutShortIsRetriedFromWhereItStopped() throws IOException {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest()
                        .send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"v1\"")).sendPattern(ALREADY_THERE).close())
                .onEveryConnection(c -> c.expectRequest().send(Responses.head(206,
                        "Content-Length: " + (LENGTH - ALREADY_THERE), "ETag: \"v1\"",
                        "Content-Range: bytes " + ALREADY_THERE + "-" + (LENGTH - 1) + "/" + LENGTH))
                        .sendPattern(ALREADY_THERE, LENGTH - ALREADY_THERE)))) {
            Cli.Result result = Cli.run("download", server.uri("/big.bin").toString(), "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests()).hasSize(2);
            assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=" + ALREADY_THERE + "-");
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }
}
