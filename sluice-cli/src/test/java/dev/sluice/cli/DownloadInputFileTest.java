package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Ports;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code sluice download -i FILE}: URLs, names and checksums from a file, and its hostile lines. */
class DownloadInputFileTest {
    /** Nothing listens there: a usage error must be found before any connection is tried. */
    private static final String UNUSED_URL = "http://127.0.0.1:" + Ports.closedPort() + "/x";

    @TempDir
    Path dir;

    private static ScriptedServer patternServer() throws IOException {
        // /N... serves N kilobytes of pattern bytes.
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            int length = Integer.parseInt(req.target().replaceAll("\\D", "")) * 1000;
            r.send(Responses.head(200, "Content-Length: " + length)).sendPattern(length);
        }));
    }

    private Path list(String... lines) throws IOException {
        return Files.writeString(dir.resolve("list.txt"), String.join("\n", lines) + "\n");
    }

    @Test
    void namesFromTheSecondColumnMayHoldSubdirectoriesAndCommentsAndBlankLinesAreSkipped() throws IOException {
        Path out = dir.resolve("out");
        try (var server = patternServer()) {
            Path list = list(
                    "# mirrors of the data set",
                    server.uri("/1") + "\tdata/one.bin",
                    "",
                    "   ",
                    server.uri("/2.bin").toString(),
                    server.uri("/3") + "\tdata/sub/three.bin\r");
            Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Listing.filesIn(out)).containsExactly("2.bin", "data/one.bin", "data/sub/three.bin");
            assertThat(Files.readAllBytes(out.resolve("data/sub/three.bin"))).isEqualTo(PatternBytes.bytes(0, 3000));
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void urlsOnTheCommandLineAndInTheFileAreCombined() throws IOException {
        try (var server = patternServer()) {
            Path list = list(server.uri("/2") + "\tfrom-file.bin");
            Cli.Result result = Cli.run("download", server.uri("/1.bin").toString(), "-i", list.toString(),
                    "-d", dir.resolve("out").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Listing.filesIn(dir.resolve("out"))).containsExactly("1.bin", "from-file.bin");
        }
    }

    @Test
    void aMatchingChecksumInTheThirdColumnPasses() throws IOException {
        try (var server = patternServer()) {
            Path list = list(server.uri("/4") + "\tfour.bin\tsha256:" + PatternBytes.sha256Hex(0, 4000));
            Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", dir.resolve("out").toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Listing.filesIn(dir.resolve("out"))).containsExactly("four.bin");
        }
    }

    @Test
    void aMismatchingChecksumFailsTheItemAsIntegrityAndLeavesNoFile() throws IOException {
        Path report = dir.resolve("report.json");
        Path out = dir.resolve("out");
        try (var server = patternServer()) {
            Path list = list(
                    server.uri("/4") + "\tfour.bin\tsha256:" + PatternBytes.sha256Hex(1, 4000),
                    server.uri("/1") + "\tone.bin\tmd5:" + "0".repeat(32));
            Cli.Result severalResult = Cli.run("download", "-i", list.toString(), "-d", out.toString(),
                    "--report", report.toString());
            Cli.Result singleResult = Cli.run("download", server.uri("/4.bin").toString(), "-d", out.toString(),
                    "--checksum", "sha256=" + PatternBytes.sha256Hex(1, 4000));

            assertThat(severalResult.exitCode()).as(severalResult.toString()).isEqualTo(ExitCodes.SOME_FAILED);
            assertThat(Files.readString(report)).contains("\"kind\":\"integrity\"").doesNotContain("\"ok\":true");
            assertThat(severalResult.stderrLines()).hasSize(2).allSatisfy(line -> assertThat(line).contains("mismatch"));
            assertThat(singleResult.exitCode()).as(singleResult.toString()).isEqualTo(ExitCodes.INTEGRITY);
            assertThat(Listing.filesIn(out)).isEmpty();
        }
    }

    @Test
    void aChecksumOptionWithSeveralUrlsIsAUsageError() throws IOException {
        Path list = list(UNUSED_URL);
        Cli.Result both = Cli.run("download", UNUSED_URL, "-i", list.toString(), "--checksum", "md5=" + "0".repeat(32));
        Cli.Result two = Cli.run("download", UNUSED_URL, UNUSED_URL + "2", "--checksum", "md5=" + "0".repeat(32));

        for (Cli.Result r : new Cli.Result[] {both, two}) {
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.stderrLines()).singleElement().asString().contains("--checksum applies to a single URL");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "/etc/passwd", ".", "sub/.."})
    void aNameThatLeavesTheDirectoryIsAUsageErrorNamingTheLine(String name) throws IOException {
        Path list = list("# first line", UNUSED_URL + "\tok.bin", UNUSED_URL + "\t" + name);
        Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", dir.resolve("out").toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString()
                .startsWith("sluice: " + list + ":3: ").contains("leaves the target directory");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    /**
     * Two items, one named below the other's file: one of them failed after its whole download,
     * which one depending on which ended first (with -j 8 a complete body stayed in f.part).
     * Refused before any request, naming both.
     */
    @Test
    void aNameBelowAnotherItemsFileIsAUsageErrorNamingBoth() throws IOException {
        Path out = dir.resolve("out");
        Path list = list(UNUSED_URL + "/a\tf", UNUSED_URL + "/b\tf/g");
        Path fromUrl = Files.writeString(dir.resolve("from-url.txt"), UNUSED_URL + "/b\tf.bin/g\n");

        Cli.Result named = Cli.run("download", "-i", list.toString(), "-d", out.toString());
        Cli.Result urlNamed = Cli.run("download", UNUSED_URL + "/f.bin", "-i", fromUrl.toString(), "-d", out.toString());

        assertThat(named.exitCode()).as(named.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(named.stderrLines()).containsExactly("sluice: " + list + ":2: output name " + out.resolve("f/g")
                + " lies below " + out.resolve("f") + ", the file of " + list + ":1: give one of them another name"
                + " (see 'sluice download --help')");
        assertThat(urlNamed.exitCode()).as(urlNamed.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(urlNamed.stderrLines()).containsExactly("sluice: " + fromUrl + ":1: output name " + out.resolve("f.bin/g")
                + " lies below " + out.resolve("f.bin") + ", the file of " + UNUSED_URL + "/f.bin: give one of them another name"
                + " (see 'sluice download --help')");
        assertThat(out).doesNotExist();
    }

    @Test
    void aMalformedLineIsAUsageErrorNamingTheLine() throws IOException {
        Path badUrl = list(UNUSED_URL, "ftp://example.org/file");
        Path badChecksum = Files.writeString(dir.resolve("sums.txt"), UNUSED_URL + "\tx.bin\tsha256:abc\n");
        Path tooManyColumns = Files.writeString(dir.resolve("wide.txt"), UNUSED_URL + "\tx\tmd5:" + "0".repeat(32) + "\textra\n");

        Cli.Result url = Cli.run("download", "-i", badUrl.toString());
        Cli.Result checksum = Cli.run("download", "-i", badChecksum.toString());
        Cli.Result columns = Cli.run("download", "-i", tooManyColumns.toString());

        assertThat(url.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(url.stderr()).startsWith("sluice: " + badUrl + ":2: not an http or https URL");
        assertThat(checksum.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(checksum.stderr()).startsWith("sluice: " + badChecksum + ":1: sha256 checksum must be 64 hex digits");
        assertThat(columns.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(columns.stderr()).startsWith("sluice: " + tooManyColumns + ":1: ").contains("4 TAB-separated columns");
    }

    @Test
    void aMissingInputFileIsALocalError() {
        Path missing = dir.resolve("missing.txt");
        Cli.Result result = Cli.run("download", "-i", missing.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(result.stderrLines()).containsExactly("sluice: cannot read " + missing + ": no such file or directory");
    }

    @Test
    void aFileWithOnlyCommentsDownloadsNothingAndSucceeds() throws IOException {
        Path list = list("# nothing today", "");
        Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", dir.resolve("out").toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdoutText()).matches("total \\d+\\.\\d\\d s, 0 files, 0 bytes\n");
    }
}
