package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sluice download} refuses what it cannot do before any download starts: a header field
 * or a URL that {@code get} would refuse is a usage error (exit 2) and an output directory or
 * report that cannot be written is a local error (exit 8), each on one line, with nothing sent.
 */
class DownloadUpFrontChecksTest {
    @TempDir
    Path dir;

    private static ScriptedServer okServer() throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("payload"))));
    }

    private static void assertOneUsageLine(Cli.Result result) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: ")
                .endsWith("(see 'sluice download --help')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad Name: v", "X: a\rY: b", "X: a\nY: b", " X: v", "X : v", "(X): v", "Caf\u00e9: v",
        "X: a\u0000b", "X: a\u007fb"})
    void aHeaderThatGetRefusesIsAUsageErrorBeforeAnyDownload(String header) throws IOException {
        Path out = dir.resolve("out");
        try (var server = okServer()) {
            Cli.Result get = Cli.run("get", server.uri("/a.bin").toString(), "-H", header);
            Cli.Result download = Cli.run("download", server.uri("/a.bin").toString(), server.uri("/b.bin").toString(),
                    "-d", out.toString(), "-H", "X-Fine: yes", "-H", header);

            assertThat(get.exitCode()).as(get.toString()).isEqualTo(ExitCodes.USAGE);
            assertOneUsageLine(download);
            assertThat(download.stderr()).contains("invalid header");
            assertThat(server.connectionCount()).isZero();
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void aHeaderValueBeyondLatin1GoesOutAsItsUtf8Bytes() throws IOException {
        // As with get: field values are octets, sent as typed.
        Path out = dir.resolve("out");
        try (var server = okServer()) {
            Cli.Result download = Cli.run("download", server.uri("/a.bin").toString(), "-d", out.toString(),
                    "-H", "X: \u20ac");

            assertThat(download.exitCode()).as(download.toString()).isZero();
            assertThat(server.awaitRequests(1, java.time.Duration.ofSeconds(10)).getFirst().header("X"))
                    .isEqualTo(new String("\u20ac".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Range: bytes=5-", "if-range: \"v1\""})
    void aRangeHeaderIsTheDownloadersOwnAndAUsageErrorBeforeAnyDownload(String header) throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("download", server.uri("/a.bin").toString(), "-d", dir.toString(), "-H", header);

            assertOneUsageLine(result);
            assertThat(result.stderr()).contains(header.substring(0, header.indexOf(':')));
            assertThat(server.connectionCount()).isZero();
            assertThat(dir).isEmptyDirectory();
        }
    }

    @Test
    void headerFieldsThatGetSendsAreSentByDownloadToo() throws IOException {
        try (var server = okServer()) {
            Cli.Result result = Cli.run("download", server.uri("/a.bin").toString(), "-d", dir.toString(),
                    "-H", "X-Tab: a\tb", "-H", "X-Latin: caf\u00e9", "-H", "X-Empty:", "-H", "X-Odd-Name!#$%&'*+.^_`|~: 1");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            var seen = server.requests().getFirst();
            assertThat(seen.header("X-Tab")).isEqualTo("a\tb");
            assertThat(seen.header("X-Empty")).isEmpty();
            assertThat(seen.header("X-Odd-Name!#$%&'*+.^_`|~")).isEqualTo("1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:99999/x", "http://127.0.0.1:0/x", "http://[::1]:70000/x", "SERVER/caf\u00e9",
        "SERVER/x?q=\u00fc"})
    void aUrlThatGetRefusesIsAUsageErrorBeforeTheOtherDownloadsStart(String url) throws IOException {
        Path out = dir.resolve("out");
        try (var server = okServer()) {
            String bad = url.replace("SERVER", "http://127.0.0.1:" + server.port());
            Cli.Result get = Cli.run("get", bad);
            Cli.Result download = Cli.run("download", server.uri("/a.bin").toString(), bad, "-d", out.toString());

            assertThat(get.exitCode()).as(get.toString()).isEqualTo(ExitCodes.USAGE);
            assertOneUsageLine(download);
            assertThat(download.stderr()).startsWith("sluice: invalid URL " + bad + ": ");
            assertThat(server.connectionCount()).isZero();
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void aBadUrlInTheInputFileIsAUsageErrorNamingTheFileAndLine() throws IOException {
        Path out = dir.resolve("out");
        try (var server = okServer()) {
            Path list = Files.writeString(dir.resolve("list.txt"),
                    server.uri("/a.bin") + "\n# a comment\nhttp://127.0.0.1:99999/x\tx.bin\n");
            Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", out.toString());

            assertOneUsageLine(result);
            assertThat(result.stderr()).startsWith("sluice: " + list + ":3: invalid URL http://127.0.0.1:99999/x: ")
                    .contains("port out of range: 99999");
            assertThat(server.connectionCount()).isZero();
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void anOutputDirectoryThatIsAFileIsALocalErrorBeforeAnyDownload() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "not a directory");
        try (var server = okServer()) {
            Cli.Result result = Cli.run("download", server.uri("/a.bin").toString(), server.uri("/b.bin").toString(),
                    "-d", file.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).containsExactly("sluice: cannot create directory " + file + ": file exists");
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aReportInsideAFileIsALocalErrorSayingSoBeforeAnyDownload() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "not a directory");
        Path report = file.resolve("report.json");
        try (var server = okServer()) {
            Cli.Result result = Cli.run("download", server.uri("/a.bin").toString(), "-d", dir.resolve("out").toString(),
                    "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).containsExactly(
                    "sluice: " + server.uri("/a.bin") + ": cannot write report " + report + ": " + file + " is not a directory");
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aReportInADirectoryThatCannotBeWrittenIsALocalErrorBeforeAnyDownload() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        try (var server = okServer()) {
            assumeFalse(Files.isWritable(locked), "this user can write a directory of mode 500");
            Cli.Result result = Cli.run("download", server.uri("/a.bin").toString(), "-d", dir.resolve("out").toString(),
                    "--report", locked.resolve("report.json").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).containsExactly(
                    "sluice: cannot write report " + locked.resolve("report.json") + ": permission denied");
            assertThat(server.connectionCount()).isZero();
        } finally {
            Files.setPosixFilePermissions(locked, Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        }
    }

    @Test
    void aReportWhoseNameFillsTheFileNameLimitIsWritten() throws IOException {
        // 255 bytes: the longest name most file systems allow; the temporary name must not be longer.
        Path report = dir.resolve("r".repeat(250) + ".json");
        try (var server = okServer()) {
            Cli.Result result = Cli.run("download", server.uri("/a.bin").toString(), "-d", dir.resolve("out").toString(),
                    "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(report)).contains("\"ok\":true");
            assertThat(Listing.filesIn(dir)).containsExactly("out/a.bin", report.getFileName().toString());
        }
    }

    @Test
    void theReportGetsTheModeOfAnyNewFileNotAPrivateOne() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
        // A file created the ordinary way gets 0666 less the umask, whatever the umask of this run is.
        Path ordinary = Files.createFile(dir.resolve("ordinary"));
        Path report = dir.resolve("report.json");
        try (var server = okServer()) {
            Cli.Result result = Cli.run("download", server.uri("/a.bin").toString(), "-d", dir.resolve("out").toString(),
                    "--report", report.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.getPosixFilePermissions(report)).isEqualTo(Files.getPosixFilePermissions(ordinary));
            assertThat(Files.getPosixFilePermissions(dir.resolve("out/a.bin"))).isEqualTo(Files.getPosixFilePermissions(ordinary));
        }
    }
}
