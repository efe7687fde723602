package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names of -i FILE that cannot be files are usage errors naming FILE:LINE, found before any request. */
class DownloadListedNamesTest {
    @TempDir
    Path dir;

    private Cli.Result runList(ScriptedServer server, String name) throws IOException {
        Path list = Files.writeString(dir.resolve("list.txt"), server.uri("/x") + "\t" + name + "\n");
        return Cli.run("download", "-i", list.toString(), "-d", dir.resolve("out").toString());
    }

    @Test
    void aFileNameWithNoRoomForItsPartSuffixIsAUsageError() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            Cli.Result r = runList(server, "n".repeat(251));

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.stderrLines().getFirst()).startsWith("sluice: " + dir.resolve("list.txt") + ":1: output name ")
                    .contains("is too long: the file name is 251 bytes in UTF-8, at most 250");
            assertThat(server.connectionCount()).isZero();

            r = runList(server, "sub/" + "é".repeat(126)); // 252 bytes
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(server.connectionCount()).isZero();

            r = runList(server, "n".repeat(250));
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(Files.readString(dir.resolve("out").resolve("n".repeat(250)))).isEqualTo("body");
        }
    }

    @Test
    void aNameEndingInADotSegmentIsAUsageError() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))))) {
            Cli.Result r = runList(server, "sub/.");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.stderrLines().getFirst()).startsWith("sluice: " + dir.resolve("list.txt")
                    + ":1: output name sub/. ends in '/.': it names a directory, not a file");

            r = runList(server, "a/b/..");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(server.connectionCount()).isZero();
            assertThat(dir.resolve("out/sub")).doesNotExist();
        }
    }
}
