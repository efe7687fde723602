package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice download} saves only 2xx bodies; the report's bytes are the size of the file;
 * off a terminal, retries and why a job was not retried are printed.
 */
class DownloadStatusesAndReportTest {
    private static final String OLD = "the copy from yesterday";
    @TempDir
    Path dir;

    @Test
    void aNotModifiedToTheUsersIfNoneMatchKeepsTheFileAndSucceeds() throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.writeString(out.resolve("file.txt"), OLD);
        Path report = dir.resolve("r.json");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.head(304, "ETag: \"v1\""))))) {
            Cli.Result result = Cli.run("download", server.uri("/file.txt").toString(), "-d", out.toString(),
                    "-H", "If-None-Match: \"v1\"", "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(out.resolve("file.txt"))).isEqualTo(OLD);
            assertThat(Listing.filesIn(out)).containsExactly("file.txt");
            assertThat(Files.readString(report)).contains("\"ok\":true,\"httpStatus\":304,\"bytes\":" + OLD.length() + ",")
                    .contains("\"totalBytes\":" + OLD.length() + ",");
            assertThat(result.stdoutText()).startsWith(out.resolve("file.txt") + "  " + OLD.length() + " bytes  ");
            assertThat(result.stderr()).isEmpty();
        }
    }

    @Test
    void aMultipleChoicesIsAProtocolErrorNamingTheUrlAndTheStatus() throws Exception {
        String body = "<a href=a.txt>a</a>";
        Path report = dir.resolve("r.json");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                "HTTP/1.1 300 Multiple Choices\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)))) {
            Cli.Result result = Cli.run("download", server.uri("/file.txt").toString(), "-d", dir.toString(),
                    "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/file.txt")
                    + ": HTTP 300 Multiple Choices is not the file: a 3xx status that is no redirect to follow");
            assertThat(server.requests()).as("not retried").hasSize(1);
            assertThat(Listing.filesIn(dir)).containsExactly("r.json");
            assertThat(Files.readString(report)).contains("\"ok\":false,\"httpStatus\":300,\"bytes\":0,")
                    .contains("\"kind\":\"protocol\"");
        }
    }

    @Test
    void aRetryAfterOverTheLimitSaysWhyTheFileWasNotRetried() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.status(429, "", "Retry-After: 36000"))))) {
            Cli.Result result = Cli.run("download", server.uri("/later.bin").toString(), "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/later.bin")
                    + ": HTTP 429 Too Many Requests (not retried: Retry-After of 36000 s is over the 10-minute limit)");
        }
    }

    @Test
    void offATerminalEachRetryGetsALineWithItsCauseAndDelay() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.status(503, "busy", "Retry-After: 0")))
                .onRequest(1, r -> r.send(Responses.status(500, "oops", "Retry-After: 0")))
                .onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            Cli.Result result = Cli.run("download", server.uri("/data.txt").toString(), "-d", dir.toString(),
                    "--progress", "lines");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            String name = dir.resolve("data.txt").toString();
            assertThat(result.stdoutText()).startsWith(
                    name + "  retrying in 0.00 s (attempt 2): " + server.uri("/data.txt") + ": HTTP 503 Service Unavailable\n"
                    + name + "  retrying in 0.00 s (attempt 3): " + server.uri("/data.txt") + ": HTTP 500 Internal Server Error\n");
            assertThat(result.stderr()).isEmpty();
        }
    }

    @Test
    void quietPrintsNoRetryLines() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onRequest(0, r -> r.send(Responses.status(503, "busy", "Retry-After: 0")))
                .onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            Cli.Result result = Cli.run("download", server.uri("/data.txt").toString(), "-d", dir.toString(), "-q");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stderr()).isEmpty();
        }
    }

    @Test
    void aDownloadThatFailsAfterItsRetriesWritesOneErrorLine() throws Exception {
        // The contract: errors go to stderr as one line naming the URL and the cause; the
        // retries before it are progress (stdout), not more error lines.
        try (var server = ScriptedServer.start(s -> s
                .onEveryRequest((req, r) -> r.send(Responses.status(503, "busy", "Retry-After: 0"))))) {
            Cli.Result result = Cli.run("download", server.uri("/data.txt").toString(), "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
            assertThat(server.requests()).hasSize(4);
            assertThat(result.stderrLines()).containsExactly(
                    "sluice: " + server.uri("/data.txt") + ": HTTP 503 Service Unavailable");
        }
    }

    @Test
    void theReportIsWrittenBeforeTheSummaryGoesToStdout() throws Exception {
        // A stdout nobody reads (a full pipe) blocks the summary's write for good; written
        // after it, the report was never written, also when a signal then ended the run.
        Path report = dir.resolve("r.json");
        List<Boolean> reportThereAtWrite = new CopyOnWriteArrayList<>();
        OutputStream stdout = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                reportThereAtWrite.add(Files.exists(report));
            }
        };
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            int code = Main.run(new String[] {"download", server.uri("/a.txt").toString(), server.uri("/b.txt").toString(),
                    "-d", dir.toString(), "--progress", "lines", "--report", report.toString()},
                    stdout, new PrintStream(OutputStream.nullOutputStream()));

            assertThat(code).isZero();
            assertThat(reportThereAtWrite).isNotEmpty();
            assertThat(reportThereAtWrite.getLast()).as("the report was there when the summary was written").isTrue();
        }
    }
}
