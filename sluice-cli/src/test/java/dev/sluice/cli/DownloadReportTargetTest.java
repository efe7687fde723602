package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --report follows the rule of {@code get -o}: a device, a pipe, or a path in /dev or /proc (or
 * a link into them) is written directly, never replaced; a regular report it replaces keeps
 * its permissions. The machine's own /dev entries are never the tests' targets: a FIFO and
 * links made here stand for them.
 */
class DownloadReportTargetTest {
    private static final String END = "END-OF-TEST\n";
    @TempDir
    Path dir;

    private static ScriptedServer serving() throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("body"))));
    }

    private static boolean isFifo(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
    }

    @Test
    void aReportThatIsAPipeIsWrittenIntoIt() throws Exception {
        Path fifo = dir.resolve("report.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        // Opened for reading and writing, the pipe has a reader (so sluice's open does not wait)
        // and a writer of the test's own, whose end mark lets the read below never wait forever.
        try (var server = serving();
             FileChannel pipe = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Cli.Result r = Cli.run("download", server.uri("/a.txt").toString(), "-d", dir.toString(), "--report", fifo.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(isFifo(fifo)).as("still a FIFO").isTrue();
            pipe.write(ByteBuffer.wrap(END.getBytes(StandardCharsets.US_ASCII)));
            StringBuilder read = new StringBuilder();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (!read.toString().endsWith(END)) {
                buffer.clear();
                pipe.read(buffer);
                read.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
            }
            assertThat(read.toString()).startsWith("{\"items\":[{\"url\":\"" + server.uri("/a.txt") + "\"");
        }
    }

    @Test
    void aReportThatIsALinkIntoDevIsWrittenThroughAndTheLinkStays() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("r.json"), Path.of("/dev/null"));
        try (var server = serving()) {
            Cli.Result r = Cli.run("download", server.uri("/a.txt").toString(), "-d", dir.toString(), "--report", link.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("/dev/null"));
        }
    }

    @Test
    void aReplacedReportKeepsItsPermissions() throws Exception {
        Path report = Files.writeString(dir.resolve("r.json"), "{}");
        Files.setPosixFilePermissions(report, PosixFilePermissions.fromString("rw-------"));
        try (var server = serving()) {
            Cli.Result r = Cli.run("download", server.uri("/a.txt").toString(), "-d", dir.toString(), "--report", report.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(Files.readString(report)).startsWith("{\"items\":[");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(report))).isEqualTo("rw-------");
        }
    }
}
