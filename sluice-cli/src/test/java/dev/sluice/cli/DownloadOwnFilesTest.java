package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of the run itself, --report and -i FILE, are no download's: a name the user gave
 * that is one of them (or whose NAME.part is) is a usage error before any request; a name the
 * server gives is numbered. And a file the user did not name is never replaced or removed.
 */
class DownloadOwnFilesTest {
    private static final String MINE = "mine, not the server's";
    @TempDir
    Path dir;

    private static ScriptedServer serving(String... headerLines) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200, "body", headerLines))));
    }

    @Test
    void aUrlNamedLikeTheReportIsAUsageErrorNamingBoth() throws IOException {
        Files.writeString(dir.resolve("a.txt"), MINE);
        try (var server = serving()) {
            String url = server.uri("/a.txt").toString();
            Path report = dir.resolve("a.txt");
            Cli.Result r = Cli.run("download", url, "-d", dir.toString(), "--report", report.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.stderrLines().getFirst()).startsWith("sluice: " + url + " would be saved as " + report
                    + ", which is --report " + report + ": give one of them another name");
            assertThat(server.connectionCount()).isZero();
            assertThat(Files.readString(report)).isEqualTo(MINE);
        }
    }

    @Test
    void aReportThatIsTheFileOfADownloadsPartIsAUsageError() throws IOException {
        try (var server = serving()) {
            Path report = dir.resolve("./b.txt.part");
            Cli.Result r = Cli.run("download", server.uri("/b.txt").toString(), "-d", dir.toString(), "--report", report.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.stderrLines().getFirst()).contains("would stream to " + dir.resolve("b.txt.part") + " (its part file)")
                    .contains("--report " + report);
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aListedNameThatIsTheReportOrTheListIsAUsageErrorNamingTheLine() throws IOException {
        try (var server = serving()) {
            Path list = dir.resolve("list.txt");
            Files.writeString(list, server.uri("/x") + "\tr.json\n");
            Cli.Result r = Cli.run("download", "-i", list.toString(), "-d", dir.toString(), "--report", dir.resolve("r.json").toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.stderrLines().getFirst()).startsWith("sluice: " + list + ":1: ").contains("--report " + dir.resolve("r.json"));

            Files.writeString(list, server.uri("/list.txt") + "\n");
            r = Cli.run("download", "-i", list.toString(), "-d", dir.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.stderrLines().getFirst()).startsWith("sluice: " + list + ":1: ")
                    .contains("which is the list -i " + list);
            assertThat(Files.readString(list)).isEqualTo(server.uri("/list.txt") + "\n");
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void aContentDispositionNameThatIsTheReportIsNumbered() throws IOException {
        try (var server = serving("Content-Disposition: attachment; filename=\"r.json\"")) {
            Path report = dir.resolve("r.json");
            Cli.Result r = Cli.run("download", server.uri("/dl").toString(), "-d", dir.toString(), "--report", report.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(Files.readString(dir.resolve("r.1.json"))).isEqualTo("body");
            assertThat(Files.readString(report)).startsWith("{\"items\":[").contains(dir.resolve("r.1.json").toString());
        }
    }

    /** The auditors' case: a truncated body under a Content-Disposition name of a file the user has. */
    @Test
    void aFailedDownloadUnderTheServersNameLeavesTheUsersFileAlone() throws IOException {
        Files.writeString(dir.resolve("thesis.doc"), MINE);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Disposition: attachment; filename=\"thesis.doc\"", "Content-Length: 100",
                        "Connection: close") + "truncated").close()))) {
            Cli.Result r = Cli.run("download", server.uri("/dl").toString(), "-d", dir.toString(), "--retries", "0");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(Files.readString(dir.resolve("thesis.doc"))).isEqualTo(MINE);
            assertThat(dir.resolve("thesis.1.doc")).doesNotExist();
            assertThat(dir.resolve("thesis.1.doc.part")).exists();
        }
    }

    @Test
    void aServersNameOfAnExistingFileSucceedsBesideIt() throws IOException {
        Files.writeString(dir.resolve("thesis.doc"), MINE);
        try (var server = serving("Content-Disposition: attachment; filename=\"thesis.doc\"")) {
            Cli.Result r = Cli.run("download", server.uri("/dl").toString(), "-d", dir.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(Files.readString(dir.resolve("thesis.doc"))).isEqualTo(MINE);
            assertThat(Files.readString(dir.resolve("thesis.1.doc"))).isEqualTo("body");
        }
    }
}
