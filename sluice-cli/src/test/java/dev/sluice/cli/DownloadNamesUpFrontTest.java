package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Ports;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A name that cannot be a file (a directory is there, or it ends in '/', or lies below a file)
 * is found before any download: found after it, the rename failed with the whole file fetched
 * and a .part left.
 */
class DownloadNamesUpFrontTest {
    /** Nothing listens there: a usage error must be found before any connection is tried. */
    private static final String UNUSED_URL = "http://127.0.0.1:" + Ports.closedPort() + "/x";

    @TempDir
    Path dir;

    private Cli.Result runList(String name) throws IOException {
        Path list = Files.writeString(dir.resolve("list.txt"), "# names\n" + UNUSED_URL + "\t" + name + "\n");
        return Cli.run("download", "-i", list.toString(), "-d", dir.resolve("out").toString());
    }

    @Test
    void aNameEndingInASlashIsAUsageErrorNamingTheLine() throws IOException {
        Cli.Result r = runList("sub/");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderrLines()).singleElement().asString().startsWith("sluice: " + dir.resolve("list.txt")
                + ":2: output name sub/ ends in '/': it names a directory, not a file");
    }

    @Test
    void aNameThatIsAnExistingDirectoryIsAUsageErrorNamingTheLine() throws IOException {
        Files.createDirectories(dir.resolve("out/existdir"));
        Cli.Result r = runList("existdir");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderrLines()).singleElement().asString()
                .startsWith("sluice: " + dir.resolve("list.txt") + ":2: output name existdir is a directory");
    }

    @Test
    void aNameBelowAFileIsAUsageErrorNamingTheLine() throws IOException {
        Files.createDirectories(dir.resolve("out"));
        Files.writeString(dir.resolve("out/a"), "a file");
        Cli.Result r = runList("a/b");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderrLines()).singleElement().asString().startsWith("sluice: " + dir.resolve("list.txt")
                + ":2: output name a/b lies below " + dir.resolve("out/a").toAbsolutePath() + ", which is not a directory");
    }

    @Test
    void aUrlPathNameThatIsADirectoryFailsTheItemWithoutARequest() throws IOException {
        Files.createDirectories(dir.resolve("out/data"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            Path report = dir.resolve("r.json");
            Cli.Result r = Cli.run("download", server.uri("/data").toString(), "-d", dir.resolve("out").toString(),
                    "--report", report.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(r.stderr()).contains(dir.resolve("out/data") + " is a directory");
            assertThat(Files.readString(report)).contains("\"kind\":\"io\"").contains("\"attempts\":1");
            assertThat(server.requests()).isEmpty();
            assertThat(dir.resolve("out/data.part")).doesNotExist();
        }
    }

    @Test
    void aLongLineIsQuotedOnlyInPart() throws IOException {
        Path list = Files.writeString(dir.resolve("list.txt"), "ftp://" + "x".repeat(5000) + "\n");
        Cli.Result r = Cli.run("download", "-i", list.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderr().length()).isLessThan(600);
    }
}
