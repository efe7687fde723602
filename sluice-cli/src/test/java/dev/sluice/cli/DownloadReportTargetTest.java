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
 * --report follows the rule of {@code get -o}: a device, a pipe, or a path in /proc (or a link
 * into it) is written directly, never replaced; a regular report it replaces keeps its
 * permissions. No test writes a /dev entry but /dev/null and a file of its own in /dev/shm:
 * a FIFO, links and descriptors made here stand for the others.
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

    @Test
    void aReportThatIsThisProcessesOwnDescriptorIsAppendedToNotTruncated() throws Exception {
        // As `--report /proc/self/fd/1 >> log`: the file behind the descriptor holds output
        // written before the report, which the report must not wipe.
        Path log = Files.writeString(dir.resolve("log.txt"), "earlier\n");
        try (var server = serving();
             FileChannel held = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            Path fd = descriptorOf(log);
            Cli.Result r = Cli.run("download", server.uri("/a.txt").toString(), "-d", dir.toString(), "--report", fd.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(Files.readString(log)).startsWith("earlier\n{\"items\":[{\"url\":");
        }
    }

    /** The /proc/self/fd entry of a file this process holds open. */
    private static Path descriptorOf(Path file) throws IOException {
        Path real = file.toRealPath();
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.filter(e -> {
                try {
                    return Files.readSymbolicLink(e).equals(real);
                } catch (IOException ex) {
                    return false;
                }
            }).findFirst().orElseThrow();
        }
    }

    @Test
    void aReportThatIsTheListOfUrlsIsAUsageError() throws Exception {
        Path list = Files.writeString(dir.resolve("urls.txt"), "http://127.0.0.1:1/a.txt\n");
        Cli.Result r = Cli.run("download", "-i", list.toString(), "-d", dir.toString(), "--report", list.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderr()).contains("is the list -i");
        assertThat(Files.readString(list)).isEqualTo("http://127.0.0.1:1/a.txt\n");
    }

    @Test
    void aListReachedThroughALinkIsNotADownloadsName() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        try (var server = serving()) {
            Path list = Files.writeString(out.resolve("list.txt"), server.uri("/list.txt") + "\n");
            Path link = Files.createSymbolicLink(dir.resolve("my.txt"), list);
            Cli.Result r = Cli.run("download", "-i", link.toString(), "-d", out.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(Files.readString(list)).isEqualTo(server.uri("/list.txt") + "\n");
        }
    }

    @Test
    void aNewReportInAnOrdinaryDirectoryBelowDevIsCreated() throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm));
        Path report = shm.resolve("sluice-report-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".json");
        try (var server = serving()) {
            Cli.Result r = Cli.run("download", server.uri("/a.txt").toString(), "-d", dir.toString(), "--report", report.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(Files.readString(report)).startsWith("{\"items\":");
        } finally {
            Files.deleteIfExists(report);
        }
    }
}
