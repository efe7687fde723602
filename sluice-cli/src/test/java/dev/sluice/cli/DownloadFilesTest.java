package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice download}: files named and written whole, the per-file lines, the report. */
class DownloadFilesTest {
    @TempDir
    Path dir;

    private static ScriptedServer patternServer() throws IOException {
        // Serves /N.bin (any path with a number) as N kilobytes of pattern bytes; /missing is a 404.
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().contains("missing")) {
                r.send(Responses.status(404, "no such file"));
                return;
            }
            int length = Integer.parseInt(req.target().replaceAll("\\D", "")) * 1000;
            r.send(Responses.head(200, "Content-Length: " + length)).sendPattern(length);
        }));
    }

    @Test
    void oneUrlIsSavedByteForByteUnderTheLastSegmentOfItsPath() throws IOException {
        Path out = dir.resolve("out");
        try (var server = patternServer()) {
            Cli.Result result = Cli.run("download", server.uri("/files/2048.bin").toString(), "-d", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readAllBytes(out.resolve("2048.bin"))).isEqualTo(PatternBytes.bytes(0, 2_048_000));
            assertThat(Listing.filesIn(dir)).containsExactly("out/2048.bin");
            assertThat(result.stderr()).isEmpty();
        }
    }

    @Test
    void aContentDispositionNameIsUsedInsteadOfTheUrlPath() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200,
                "a,b\n1,2\n", "Content-Disposition: attachment; filename=\"report.csv\""))))) {
            Cli.Result result = Cli.run("download", server.uri("/export?id=7").toString(), "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(dir.resolve("report.csv"))).isEqualTo("a,b\n1,2\n");
            assertThat(Listing.filesIn(dir)).containsExactly("report.csv");
        }
    }

    @Test
    void aHostileContentDispositionNameStaysInsideTheDirectory() throws IOException {
        Path out = dir.resolve("out");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200,
                "x", "Content-Disposition: attachment; filename=\"../../escaped.txt\""))))) {
            Cli.Result result = Cli.run("download", server.uri("/f").toString(), "-d", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            // Separators become '_': one file, directly inside the directory.
            assertThat(Listing.filesIn(dir)).singleElement().asString().matches("out/[^/]*escaped\\.txt");
        }
    }

    @Test
    void theOutputDirectoryIsCreatedWithItsParents() throws IOException {
        Path out = dir.resolve("a/b/c");
        try (var server = patternServer()) {
            Cli.Result result = Cli.run("download", server.uri("/1.bin").toString(), "-d", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Listing.filesIn(dir)).containsExactly("a/b/c/1.bin");
        }
    }

    @Test
    void anEncodedBodyIsSavedAsServedWithoutAcceptingAnEncoding() throws IOException {
        String notReallyGzip = "\u001f\u008b pretend";
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200,
                notReallyGzip, "Content-Encoding: gzip"))))) {
            Cli.Result result = Cli.run("download", server.uri("/data.gz").toString(), "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("data.gz")))
                    .isEqualTo(notReallyGzip.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(server.requests().getFirst().header("Accept-Encoding")).isIn(null, "identity");
        }
    }

    @Test
    void severalUrlsWithOneNotFoundExitWith9AndTheReportShowsEachItem() throws IOException {
        Path report = dir.resolve("report.json");
        Path out = dir.resolve("out");
        try (var server = patternServer()) {
            String a = server.uri("/3.bin").toString();
            String missing = server.uri("/missing.bin").toString();
            String b = server.uri("/5.bin").toString();
            Cli.Result result = Cli.run("download", a, missing, b, "-d", out.toString(), "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.SOME_FAILED);
            assertThat(result.stderrLines()).containsExactly("sluice: " + missing + ": HTTP 404 Not Found");
            assertThat(Listing.filesIn(dir)).containsExactly("out/3.bin", "out/5.bin", "report.json");
            String json = Files.readString(report);
            assertThat(json).startsWith("{\"items\":[").endsWith("}\n")
                    .contains("{\"url\":\"" + a + "\",\"path\":\"" + out.resolve("3.bin") + "\",\"ok\":true,"
                            + "\"httpStatus\":200,\"bytes\":3000,")
                    .contains("{\"url\":\"" + missing + "\",\"path\":\"" + out.resolve("missing.bin")
                            + "\",\"ok\":false,\"httpStatus\":404,\"bytes\":0,")
                    .contains("\"attempts\":1,\"error\":{\"kind\":\"http\",\"message\":\"" + missing + ": HTTP 404 Not Found\"}")
                    .contains("{\"url\":\"" + b + "\",\"path\":\"" + out.resolve("5.bin") + "\",\"ok\":true,")
                    .contains("\"totalBytes\":8000,");
            assertThat(json.indexOf(a)).isLessThan(json.indexOf(missing)).isLessThan(json.indexOf(b));
        }
    }

    @Test
    void theReportIsWrittenWhenEverythingSucceedsAndNothingTemporaryStaysBesideIt() throws IOException {
        Path report = Files.writeString(dir.resolve("report.json"), "from an earlier run");
        Path out = dir.resolve("out");
        try (var server = patternServer()) {
            Cli.Result result = Cli.run("download", server.uri("/1.bin").toString(), "-d", out.toString(),
                    "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(report)).contains("\"ok\":true").contains("\"totalBytes\":1000,")
                    .doesNotContain("earlier");
            assertThat(Listing.filesIn(dir)).containsExactly("out/1.bin", "report.json");
        }
    }

    @Test
    void aReportInAMissingDirectoryIsALocalErrorFoundBeforeAnyDownload() throws IOException {
        try (var server = patternServer()) {
            Cli.Result result = Cli.run("download", server.uri("/1.bin").toString(), "-d", dir.toString(),
                    "--report", dir.resolve("no/such/dir/report.json").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: " + server.uri("/1.bin") + ": cannot write report ");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void offATerminalEachFileGetsALineAsItEndsAndTheRunATotalLine() throws IOException {
        try (var server = patternServer()) {
            Cli.Result result = Cli.run("download", server.uri("/2.bin").toString(), server.uri("/missing").toString(),
                    "-d", dir.toString(), "-j", "1");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.SOME_FAILED);
            assertThat(result.stdoutText().lines().toList()).satisfiesExactly(
                    first -> assertThat(first).matches("\\Q" + dir.resolve("2.bin") + "\\E  2000 bytes  \\d+\\.\\d\\d s"),
                    second -> assertThat(second).matches("\\Q" + dir.resolve("missing") + "\\E  failed \\(http\\)  \\d+\\.\\d\\d s"),
                    total -> assertThat(total).matches("total \\d+\\.\\d\\d s, 1 of 2 failed"));
            assertThat(result.stderrLines()).singleElement().asString().contains(server.uri("/missing").toString());
        }
    }

    @Test
    void theTotalLineOfASuccessCountsFilesAndBytes() throws IOException {
        try (var server = patternServer()) {
            Cli.Result result = Cli.run("download", server.uri("/2.bin").toString(), server.uri("/3.bin").toString(),
                    "-d", dir.toString(), "--progress=none");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            // Without live lines the per-file lines come at the end, in the order the URLs were given.
            assertThat(result.stdoutText().lines().toList()).satisfiesExactly(
                    first -> assertThat(first).startsWith(dir.resolve("2.bin") + "  2000 bytes  "),
                    second -> assertThat(second).startsWith(dir.resolve("3.bin") + "  3000 bytes  "),
                    total -> assertThat(total).matches("total \\d+\\.\\d\\d s, 2 files, 5000 bytes"));
        }
    }

    @Test
    void quietPrintsNothingOnSuccessAndOnlyTheErrorLineOnFailure() throws IOException {
        try (var server = patternServer()) {
            Cli.Result ok = Cli.run("download", server.uri("/1.bin").toString(), "-d", dir.toString(), "--quiet");
            Cli.Result failed = Cli.run("download", server.uri("/missing").toString(), "-d", dir.toString(), "-q");

            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(ok.stdout()).isEmpty();
            assertThat(ok.stderr()).isEmpty();
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(failed.stdout()).isEmpty();
            assertThat(failed.stderrLines()).containsExactly("sluice: " + server.uri("/missing") + ": HTTP 404 Not Found");
        }
    }

    @Test
    void aBodyCutShortLeavesOnlyThePartFileNotEvenAFileFromAnEarlierRun() throws IOException {
        Files.writeString(dir.resolve("cut.bin"), "from an earlier run");
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000")).send("0123456789").close()))) {
            Cli.Result result = Cli.run("download", server.uri("/cut.bin").toString(), "-d", dir.toString(),
                    "--retries", "0");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(Listing.filesIn(dir)).containsExactly("cut.bin.part");
            assertThat(Files.readString(dir.resolve("cut.bin.part"))).isEqualTo("0123456789");
        }
    }

    @Test
    void twoUrlsWithTheSameNameGetNumberedFiles() throws IOException {
        try (var server = patternServer()) {
            Cli.Result result = Cli.run("download", server.uri("/a/1.bin").toString(), server.uri("/b/1.bin").toString(),
                    "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Listing.filesIn(dir)).containsExactly("1.1.bin", "1.bin");
        }
    }
}
