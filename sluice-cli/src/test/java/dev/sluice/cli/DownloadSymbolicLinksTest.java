package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice download} never writes or removes a file outside DIR through a symbolic link
 * inside it: not for a name from {@code -i FILE}, not through a {@code NAME.part} that is a link,
 * and not when it removes what a failed item left.
 */
class DownloadSymbolicLinksTest {
    private static final String PRECIOUS = "precious, not to be touched";
    @TempDir
    Path tmp;
    private Path dir;
    private Path outside;

    @BeforeEach
    void directories() throws IOException {
        dir = Files.createDirectory(tmp.resolve("d"));
        outside = Files.createDirectory(tmp.resolve("outside"));
    }

    private Path list(String... lines) throws IOException {
        return Files.writeString(tmp.resolve("in.txt"), String.join("\n", lines) + "\n");
    }

    @Test
    void aListedNameThroughALinkOutOfTheDirectoryIsAUsageErrorNamingTheLine() throws IOException {
        Files.createSymbolicLink(dir.resolve("link"), outside);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("evil"))))) {
            Path list = list("# list", server.uri("/ok.bin") + "\tok.bin", server.uri("/evil.bin") + "\tlink/evil.bin");
            Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + list + ":3: output name leaves the target directory " + dir
                            + " through a symbolic link: link/evil.bin");
            assertThat(server.connectionCount()).isZero();
            assertThat(Listing.filesIn(outside)).isEmpty();
        }
    }

    @Test
    void aFailedItemDoesNotRemoveAFileOutsideTheDirectory() throws IOException {
        // The directory is real while the jobs are planned and started; the server swaps it for a
        // link out of DIR before it answers, as a hostile neighbour could.
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path victim = Files.writeString(outside.resolve("victim.txt"), PRECIOUS);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            try {
                Files.delete(sub);
                Files.createSymbolicLink(sub, outside);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            r.send(Responses.status(404, "no such file"));
        }))) {
            Path list = list(server.uri("/victim.txt") + "\tsub/victim.txt");
            Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.HTTP_STATUS);
            assertThat(Files.readString(victim)).isEqualTo(PRECIOUS);
        }
    }

    @Test
    void aPartFileThatIsALinkIsReplacedAndWhatItPointsToIsLeftAlone() throws IOException {
        Path victim = Files.writeString(outside.resolve("victim"), PRECIOUS);
        Files.createSymbolicLink(dir.resolve("x.bin.part"), victim);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("downloaded"))))) {
            Cli.Result result = Cli.run("download", server.uri("/x.bin").toString(), "-d", dir.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(victim)).isEqualTo(PRECIOUS);
            assertThat(Files.isSymbolicLink(dir.resolve("x.bin"))).isFalse();
            assertThat(Files.readString(dir.resolve("x.bin"))).isEqualTo("downloaded");
            assertThat(Listing.filesIn(dir)).containsExactly("x.bin");
        }
    }

    @Test
    void aDirectoryThatIsALinkToAMissingDirectoryIsALocalErrorSayingSo() throws IOException {
        Path missing = tmp.resolve("gone").resolve("x");
        Path out = Files.createSymbolicLink(tmp.resolve("out"), missing);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("data"))))) {
            Cli.Result result = Cli.run("download", server.uri("/a.bin").toString(), "-d", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/a.bin") + ": cannot create directory " + out
                    + ": it is a symbolic link to the missing directory " + missing);
            assertThat(server.connectionCount()).isZero();
            assertThat(tmp.resolve("gone")).doesNotExist();
        }
    }

    @Test
    void aDirectoryBelowALinkToAMissingDirectoryNamesThatLink() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("gone"));
        Path out = link.resolve("out");
        Cli.Result result = Cli.run("download", "http://127.0.0.1:9/a.bin", "-d", out.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(result.stderrLines()).containsExactly("sluice: http://127.0.0.1:9/a.bin: cannot create directory " + out + ": " + link
                + " is a symbolic link to the missing directory gone");
    }

    @Test
    void aDirectoryThatIsALoopOfLinksIsALocalErrorSayingSo() throws IOException {
        Path one = tmp.resolve("one");
        Files.createSymbolicLink(one, tmp.resolve("two"));
        Files.createSymbolicLink(tmp.resolve("two"), one);
        Cli.Result result = Cli.run("download", "http://127.0.0.1:9/a.bin", "-d", one.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(result.stderrLines()).containsExactly("sluice: http://127.0.0.1:9/a.bin: cannot create directory " + one
                + ": it is a symbolic link in a loop of symbolic links");
    }

    @Test
    void aDirectoryThatIsALinkThroughAFileIsNotADirectoryRatherThanALoop() throws IOException {
        Files.writeString(tmp.resolve("plain"), "a file");
        Path out = Files.createSymbolicLink(tmp.resolve("out"), Path.of("plain/x"));
        Cli.Result result = Cli.run("download", "http://127.0.0.1:9/a.bin", "-d", out.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(result.stderrLines()).containsExactly("sluice: http://127.0.0.1:9/a.bin: cannot create directory " + out
                + ": it is not a directory");
    }

    /**
     * DIR {@code tmp/dang/../o3}, dang a link to a missing directory: mkdir -p fails and makes
     * nothing; neither may a download make {@code tmp/o3}, which is that text normalised.
     */
    @Test
    void aDirectoryWithDotDotAfterALinkToAMissingDirectoryCreatesNothingAndSaysSo() throws IOException {
        Path missing = tmp.resolve("gone").resolve("x");
        Path dang = Files.createSymbolicLink(tmp.resolve("dang"), missing);
        String out = dang + "/../o3";
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("data"))))) {
            Cli.Result result = Cli.run("download", server.uri("/f.txt").toString(), "-d", out);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/f.txt") + ": cannot create directory "
                    + out + ": " + dang + " is a symbolic link to the missing directory " + missing);
            assertThat(server.connectionCount()).isZero();
            assertThat(tmp.resolve("o3")).doesNotExist();
            assertThat(tmp.resolve("gone")).doesNotExist();
        }
    }

    @Test
    void aDirectoryWithDotDotAfterALoopOfLinksNamesTheLinkAndDirectoryAsGiven() throws IOException {
        Path one = tmp.resolve("one");
        Files.createSymbolicLink(one, tmp.resolve("two"));
        Files.createSymbolicLink(tmp.resolve("two"), one);
        String out = one + "/../o4";
        Cli.Result result = Cli.run("download", "http://127.0.0.1:9/a.bin", "-d", out);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(result.stderrLines()).containsExactly("sluice: http://127.0.0.1:9/a.bin: cannot create directory " + out
                + ": " + one + " is a symbolic link in a loop of symbolic links");
        assertThat(tmp.resolve("o4")).doesNotExist();
    }

    @Test
    void aDirectoryWithDotDotAfterALinkToAFileIsNotADirectory() throws IOException {
        Files.writeString(tmp.resolve("plain"), "a file");
        Path lnk = Files.createSymbolicLink(tmp.resolve("lnk"), Path.of("plain"));
        String out = lnk + "/../o5";
        Cli.Result result = Cli.run("download", "http://127.0.0.1:9/a.bin", "-d", out);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(result.stderrLines()).containsExactly("sluice: http://127.0.0.1:9/a.bin: cannot create directory " + out
                + ": " + lnk + " is not a directory");
        assertThat(tmp.resolve("o5")).doesNotExist();
    }

    /** DIR {@code tmp/plain/../o6}, plain a regular file: mkdir -p says "Not a directory", and makes nothing. */
    @Test
    void aDirectoryWithDotDotAfterAFileIsNotADirectoryAndCreatesNothing() throws IOException {
        Path plain = Files.writeString(tmp.resolve("plain"), "a file");
        String out = plain + "/../o6";
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("data"))))) {
            Cli.Result result = Cli.run("download", server.uri("/f.txt").toString(), "-d", out);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(result.stderrLines()).containsExactly("sluice: " + server.uri("/f.txt") + ": cannot create directory "
                    + out + ": " + plain + " is not a directory");
            assertThat(server.connectionCount()).isZero();
            assertThat(tmp.resolve("o6")).doesNotExist();
            assertThat(plain).hasContent("a file");
        }
    }

    /** {@code tmp/lnk/../out} where lnk points to {@code tmp/a/b}: {@code tmp/a/out} to the file system. */
    private Path throughLink() throws IOException {
        Files.createDirectories(tmp.resolve("a/b"));
        Files.createSymbolicLink(tmp.resolve("lnk"), Path.of("a/b"));
        return tmp.resolve("lnk/../out");
    }

    @Test
    void aDirectoryWithDotDotAfterALinkIsWhereTheFileSystemPutsIt() throws IOException {
        Path out = throughLink();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("data"))))) {
            Cli.Result result = Cli.run("download", server.uri("/a.bin").toString(), "-d", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            // As mkdir -p, curl --create-dirs and wget -P would: lnk/.. is tmp/a, not tmp.
            assertThat(tmp.resolve("a/out/a.bin")).hasContent("data");
            assertThat(tmp.resolve("out")).doesNotExist();
            assertThat(result.stdoutText()).startsWith(out.resolve("a.bin") + "  4 bytes  ");
        }
    }

    @Test
    void aListedNameThroughALinkOutOfADirectoryGivenWithDotDotIsAUsageError() throws IOException {
        Path out = throughLink();
        Files.createDirectories(tmp.resolve("a/out"));
        Files.createSymbolicLink(tmp.resolve("a/out/esc"), outside);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("evil"))))) {
            Path list = list(server.uri("/evil.bin") + "\tesc/evil.bin");
            Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + list + ":1: output name leaves the target directory " + out
                            + " through a symbolic link: esc/evil.bin");
            assertThat(server.connectionCount()).isZero();
            assertThat(Listing.filesIn(outside)).isEmpty();
        }
    }

    @Test
    void aReportAtTheRealPathOfADownloadInADirectoryGivenWithDotDotIsAUsageError() throws IOException {
        Path out = throughLink();
        Path report = Files.createDirectories(tmp.resolve("a/out")).resolve("a.bin");
        Cli.Result result = Cli.run("download", "http://127.0.0.1:9/a.bin", "-d", out.toString(), "--report", report.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString()
                .contains("would be saved as " + out.resolve("a.bin") + ", which is --report " + report);
    }
}
