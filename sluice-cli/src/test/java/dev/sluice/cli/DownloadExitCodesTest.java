package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.Ports;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sluice download} with one URL exits as {@code get} would (CONTRACT.md): one line on
 * stderr naming the URL and the cause, and nothing at the final path. Usage errors exit 2
 * before anything is sent.
 */
class DownloadExitCodesTest {
    /** Nothing listens there: a usage error must be found before any connection is tried. */
    private static final String UNUSED_URL = "http://127.0.0.1:" + Ports.closedPort() + "/x";

    @TempDir
    Path dir;

    private Cli.Result download(String url, String... options) {
        String[] args = new String[options.length + 5];
        args[0] = "download";
        args[1] = url;
        args[2] = "-d";
        args[3] = dir.toString();
        args[4] = "--retries=0";
        System.arraycopy(options, 0, args, 5, options.length);
        return Cli.run(args);
    }

    private static void assertOneErrorLine(Cli.Result result, String url) {
        assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: " + url + ": ");
    }

    @Test
    void anHttpErrorStatusExitsWith3() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(403, "no"))))) {
            Cli.Result result = download(server.uri("/x.bin").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/x.bin") + ": HTTP 403 Forbidden");
            assertThat(Listing.filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aStatusBelowOneHundredIsAServerErrorNotTheFile() throws IOException {
        // RFC 9110 §15: an invalid status is taken as a 5xx.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                "HTTP/1.1 099 Weird\r\nContent-Length: 4\r\n\r\nbody")))) {
            Cli.Result result = download(server.uri("/x.bin").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/x.bin") + ": HTTP 099 Weird");
            assertThat(Listing.filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aRefusedConnectionExitsWith4() {
        String url = "http://127.0.0.1:" + Ports.closedPort() + "/x.bin";
        Cli.Result result = download(url);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.CONNECT);
        assertOneErrorLine(result, url);
    }

    @Test
    void aStalledBodyExitsWith5AfterTheReadTimeout() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100")).send("0123").stallUntil("never")))) {
            Cli.Result result = download(server.uri("/slow.bin").toString(), "--read-timeout", "0.3");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.TIMEOUT);
            assertOneErrorLine(result, server.uri("/slow.bin").toString());
            assertThat(Listing.filesIn(dir)).doesNotContain("slow.bin");
        }
    }

    @Test
    void aMalformedResponseExitsWith6() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send("garbage\r\n\r\n").close()))) {
            Cli.Result result = download(server.uri("/x.bin").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertOneErrorLine(result, server.uri("/x.bin").toString());
            assertThat(Listing.filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aChecksumMismatchExitsWith7() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            Cli.Result result = download(server.uri("/x.bin").toString(), "--checksum", "sha256=" + "0".repeat(64));

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.INTEGRITY);
            assertOneErrorLine(result, server.uri("/x.bin").toString());
            assertThat(result.stderr()).contains("sha256 mismatch");
            assertThat(Listing.filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aFileThatCannotBeSavedExitsWith8() throws IOException {
        // A non-empty directory sits where the file should go: the rename fails.
        Files.createDirectories(dir.resolve("x.bin/inside"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            Cli.Result result = download(server.uri("/x.bin").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertOneErrorLine(result, server.uri("/x.bin").toString());
            assertThat(dir.resolve("x.bin/inside")).isDirectory();
        }
    }

    @Test
    void aStandardOutputThatCannotBeWrittenExitsWith8AndKeepsTheFile() throws IOException {
        // As main wires it: the raw descriptor, which fails as /dev/full does.
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            int code = Main.run(new String[] {"download", server.uri("/x.bin").toString(), "-d", dir.toString()}, full,
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(code).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                    "sluice: " + server.uri("/x.bin") + ": cannot write to standard output: No space left on device"
                            + System.lineSeparator());
            assertThat(dir.resolve("x.bin")).hasContent("payload");
        }
    }

    @Test
    void aDirectoryThatCannotBeCreatedExitsWith8() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "not a directory");
        Cli.Result result = Cli.run("download", UNUSED_URL, "-d", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        // One URL: its line names it, as get's do (CONTRACT.md); with several, none is the run's.
        assertThat(result.stderrLines()).containsExactly("sluice: " + UNUSED_URL + ": cannot create directory " + file + ": file exists");
    }

    @Test
    void aRunThatFailsBeforeItsDownloadsRemovesAnOlderReport() throws IOException {
        // An earlier run's report at --report must not pass for this run's.
        Path file = Files.writeString(dir.resolve("file"), "not a directory");
        Path report = Files.writeString(dir.resolve("r.json"), "{\"an\":\"earlier run's report\"}\n");
        Cli.Result noDir = Cli.run("download", UNUSED_URL, UNUSED_URL + "2", "-d", file.toString(), "--report",
                report.toString());

        assertThat(noDir.exitCode()).as(noDir.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(noDir.stderrLines()).containsExactly("sluice: cannot create directory " + file
                + ": file exists; no report written (the older " + report + " removed)");
        assertThat(report).doesNotExist();

        Files.writeString(report, "{\"an\":\"earlier run's report\"}\n");
        Cli.Result noList = Cli.run("download", "-i", dir.resolve("missing.txt").toString(), "--report", report.toString());

        assertThat(noList.exitCode()).as(noList.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(noList.stderrLines()).singleElement().asString().endsWith("; no report written (the older " + report + " removed)");
        assertThat(report).doesNotExist();

        Files.writeString(report, "{\"an\":\"earlier run's report\"}\n");
        Cli.Result noCa = Cli.run("download", UNUSED_URL, "-d", dir.resolve("out").toString(), "--cacert",
                dir.resolve("missing.pem").toString(), "--report", report.toString());

        assertThat(noCa.exitCode()).as(noCa.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(noCa.stderrLines()).singleElement().asString().contains("missing.pem")
                .endsWith("; no report written (the older " + report + " removed)");
        assertThat(report).doesNotExist();
    }

    @Test
    void severalUrlsWithOneFailureExitWith9WhateverTheKind() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            String refused = "http://127.0.0.1:" + Ports.closedPort() + "/y.bin";
            Cli.Result result = Cli.run("download", server.uri("/x.bin").toString(), refused, "-d", dir.toString(),
                    "--retries", "0");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.SOME_FAILED);
            assertOneErrorLine(result, refused);
            assertThat(Listing.filesIn(dir)).containsExactly("x.bin");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-j=0", "-j=100001", "--per-host=0", "-s=17", "--retries=-1", "-s=0", "--limit-rate=10X", "--limit-rate=0",
        "--progress=fancy", "--checksum=crc32=00", "--connect-timeout=0", "-H=nocolon",
        "--max-redirects=-1"})
    void aBadOptionIsAUsageErrorFoundBeforeAnyConnection(String option) {
        Cli.Result result = Cli.run("download", UNUSED_URL, "-d", dir.resolve("out").toString(), option);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: ")
                .endsWith("(see 'sluice download --help')");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void headerFieldsAreSentWithEveryRequest() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("payload"))))) {
            Cli.Result result = download(server.uri("/x.bin").toString(), "-H", "user-agent: mirror-bot/2",
                    "-H", "Authorization: Bearer abc");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests().getFirst().header("User-Agent")).isEqualTo("mirror-bot/2");
            assertThat(server.requests().getFirst().header("Authorization")).isEqualTo("Bearer abc");
        }
    }

    @Test
    void aBadUrlOrNoUrlAtAllIsAUsageError() {
        Cli.Result bad = Cli.run("download", "http://exa mple.org/x");
        Cli.Result none = Cli.run("download", "-d", dir.toString());

        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.stderr()).startsWith("sluice: invalid URL http://exa mple.org/x");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.stderr()).startsWith("sluice: no URL given");
    }
}
