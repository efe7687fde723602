package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolic links inside the directory never carry a download out of it: a name through a link
 * out of the directory is refused, and a link in the place of {@code NAME.part} is removed, never
 * written through.
 */
class SymbolicLinkTest {
    private static final String PRECIOUS = "precious, not to be touched";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    @TempDir
    Path tmp;
    private Path dir;
    private Path outside;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void directories() throws IOException {
        dir = Files.createDirectory(tmp.resolve("d"));
        outside = Files.createDirectory(tmp.resolve("outside"));
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static List<String> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aPathStaysInsideOnlyWhenNoLinkOnTheWayLeadsOut() throws IOException {
        Files.createSymbolicLink(dir.resolve("link"), outside);
        Path inner = Files.createDirectory(dir.resolve("inner"));
        Files.createSymbolicLink(dir.resolve("in"), inner);
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        Files.createSymbolicLink(dir.resolve("final.bin"), outside.resolve("victim"));

        assertThat(FileNames.staysInside(dir, dir.resolve("a.bin"))).isTrue();
        assertThat(FileNames.staysInside(dir, dir.resolve("new/sub/a.bin"))).isTrue();
        assertThat(FileNames.staysInside(dir, dir.resolve("in/a.bin"))).as("a link that stays inside").isTrue();
        assertThat(FileNames.staysInside(dir, dir.resolve("final.bin"))).as("the path itself is replaced, not followed").isTrue();
        assertThat(FileNames.staysInside(dir, dir.resolve("link/evil.bin"))).isFalse();
        assertThat(FileNames.staysInside(dir, dir.resolve("link/new/evil.bin"))).isFalse();
        assertThat(FileNames.staysInside(dir, dir.resolve("dangling/a.bin"))).isFalse();
        // Its text says d/inner/a.bin, but the file system goes through the link, then up from outside.
        assertThat(FileNames.staysInside(dir, dir.resolve("link/../inner/a.bin"))).isFalse();
        assertThat(FileNames.staysInside(dir, dir.resolve("../outside/a.bin"))).isFalse();
        assertThat(FileNames.staysInside(dir, dir)).isFalse();
        assertThat(FileNames.staysInside(tmp.resolve("none"), tmp.resolve("none/a/b.bin"))).isTrue();
    }

    @Test
    void aTargetThroughALinkOutOfTheDirectoryFailsBeforeAnyRequestAndWritesNothing() throws Exception {
        Files.createSymbolicLink(dir.resolve("link"), outside);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("evil"))))) {
            Report report = Downloader.builder(client).directory(dir).build()
                    .run(List.of(new DownloadJob(server.uri("/evil.bin"), Path.of("link/evil.bin"), Optional.empty())));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isFalse();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.error().kind()).isEqualTo("io");
            assertThat(item.error().message()).contains(server.uri("/evil.bin").toString())
                    .contains(dir.resolve("link/evil.bin").toString()).contains("symbolic link");
            assertThat(server.requests()).isEmpty();
            assertThat(filesIn(outside)).isEmpty();
        }
    }

    @Test
    void aPartFileThatIsALinkIsReplacedNotWrittenThrough() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), PRECIOUS);
        Files.createSymbolicLink(dir.resolve("x.bin.part"), victim);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("downloaded"))))) {
            Report report = Downloader.builder(client).directory(dir).build().run(List.of(DownloadJob.of(server.uri("/x.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readAllBytes(victim)).asString(StandardCharsets.UTF_8).isEqualTo(PRECIOUS);
            assertThat(Files.isSymbolicLink(dir.resolve("x.bin"))).isFalse();
            assertThat(Files.readString(dir.resolve("x.bin"))).isEqualTo("downloaded");
            assertThat(filesIn(dir)).containsExactly("x.bin");
        }
    }

    @Test
    void withResumeAPartFileThatIsALinkIsNotTakenUpEvenWhenItsTargetLooksResumable() throws Exception {
        Path victim = Files.write(outside.resolve("victim"), PatternBytes.bytes(0, 4000));
        PartialContentTest.storeValidator(victim, "\"v1\"");
        Files.createSymbolicLink(dir.resolve("x.bin.part"), victim);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.header("Range") != null) {
                r.send(Responses.head(206, "ETag: \"v1\"", "Content-Length: 6000", "Content-Range: bytes 4000-9999/10000"))
                        .sendPattern(4000, 6000);
            } else {
                r.send(Responses.head(200, "ETag: \"v1\"", "Content-Length: 10000")).sendPattern(10_000);
            }
        }))) {
            Report report = Downloader.builder(client).directory(dir).resume(true).build()
                    .run(List.of(DownloadJob.of(server.uri("/x.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).singleElement().satisfies(q -> assertThat(q.header("Range")).isNull());
            assertThat(Files.readAllBytes(victim)).isEqualTo(PatternBytes.bytes(0, 4000));
            assertThat(Files.isSymbolicLink(dir.resolve("x.bin"))).isFalse();
            assertThat(Files.readAllBytes(dir.resolve("x.bin"))).isEqualTo(PatternBytes.bytes(0, 10_000));
        }
    }

    @Test
    void aSegmentedDownloadDoesNotWriteThroughAPartFileThatIsALink() throws Exception {
        int size = 2 << 20;
        Path victim = Files.writeString(outside.resolve("victim"), PRECIOUS);
        Files.createSymbolicLink(dir.resolve("big.bin.part"), victim);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            Matcher m = RANGE.matcher(String.valueOf(req.header("Range")));
            if (!m.matches()) {
                r.send(Responses.head(200, "ETag: \"s1\"", "Content-Length: " + size)).sendPattern(size);
                return;
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Long.parseLong(m.group(2));
            r.send(Responses.head(206, "ETag: \"s1\"", "Content-Length: " + (last - first + 1),
                    "Content-Range: bytes " + first + "-" + last + "/" + size)).sendPattern(first, last - first + 1);
        }))) {
            Report report = Downloader.builder(client).directory(dir).segments(2).build()
                    .run(List.of(DownloadJob.of(server.uri("/big.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).extracting(q -> q.header("Range")).contains("bytes=0-0").hasSize(3);
            assertThat(Files.readAllBytes(victim)).asString(StandardCharsets.UTF_8).isEqualTo(PRECIOUS);
            assertThat(Files.isSymbolicLink(dir.resolve("big.bin"))).isFalse();
            assertThat(Files.readAllBytes(dir.resolve("big.bin"))).isEqualTo(PatternBytes.bytes(0, size));
        }
    }

    @Test
    void aLinkAtTheFinalPathIsReplacedByTheFileAndWhatItPointsToIsLeftAlone() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), PRECIOUS);
        Files.createSymbolicLink(dir.resolve("x.bin"), victim);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("downloaded"))))) {
            Report report = Downloader.builder(client).directory(dir).build().run(List.of(DownloadJob.of(server.uri("/x.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.isSymbolicLink(dir.resolve("x.bin"))).isFalse();
            assertThat(Files.readString(dir.resolve("x.bin"))).isEqualTo("downloaded");
            assertThat(Files.readAllBytes(victim)).asString(StandardCharsets.UTF_8).isEqualTo(PRECIOUS);
        }
    }

    @Test
    void aPartFileThatIsALinkToNothingIsReplaced() throws Exception {
        Files.createSymbolicLink(dir.resolve("x.bin.part"), outside.resolve("not-there"));
        Files.createSymbolicLink(dir.resolve("y.bin.part"), dir.resolve("y.bin.part")); // a loop
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("downloaded"))))) {
            Report report = Downloader.builder(client).directory(dir).build()
                    .run(List.of(DownloadJob.of(server.uri("/x.bin")), DownloadJob.of(server.uri("/y.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readString(dir.resolve("x.bin"))).isEqualTo("downloaded");
            assertThat(Files.readString(dir.resolve("y.bin"))).isEqualTo("downloaded");
            assertThat(filesIn(dir)).containsExactly("x.bin", "y.bin");
            assertThat(filesIn(outside)).isEmpty();
        }
    }

    @Test
    void aLinkToADirectoryAtTheFinalPathIsReplacedNotTakenForTheDirectory() throws Exception {
        Path victim = Files.createDirectory(outside.resolve("victim"));
        Files.createSymbolicLink(dir.resolve("x.bin"), victim);
        Files.createDirectory(dir.resolve("z.bin"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("downloaded"))))) {
            Report report = Downloader.builder(client).directory(dir).build()
                    .run(List.of(DownloadJob.of(server.uri("/x.bin")), DownloadJob.of(server.uri("/z.bin"))));

            assertThat(report.items().get(0).ok()).as("%s", report.toJson()).isTrue();
            assertThat(Files.isSymbolicLink(dir.resolve("x.bin"))).isFalse();
            assertThat(Files.readString(dir.resolve("x.bin"))).isEqualTo("downloaded");
            assertThat(filesIn(victim)).isEmpty();
            // A directory itself is found before any request: the rename would fail on it.
            assertThat(report.items().get(1).ok()).isFalse();
            assertThat(report.items().get(1).error().message()).endsWith("z.bin is a directory");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aFileReplacedThroughALinkTakesNotThePermissionsOfWhatTheLinkPointsTo() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), PRECIOUS);
        assumeTrue(Files.getFileAttributeView(victim, PosixFileAttributeView.class) != null, "no POSIX permissions here");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("r--r-----"));
        Files.createSymbolicLink(dir.resolve("x.bin"), victim);
        Files.writeString(dir.resolve("y.bin"), "old");
        Files.setPosixFilePermissions(dir.resolve("y.bin"), PosixFilePermissions.fromString("rw-------"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("downloaded"))))) {
            Report report = Downloader.builder(client).directory(dir).build()
                    .run(List.of(DownloadJob.of(server.uri("/x.bin")), DownloadJob.of(server.uri("/y.bin"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.getPosixFilePermissions(dir.resolve("x.bin"))).contains(PosixFilePermission.OWNER_WRITE);
            // A regular file that is replaced lends its permissions, as before.
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("y.bin")))).isEqualTo("rw-------");
            assertThat(Files.readString(dir.resolve("y.bin"))).isEqualTo("downloaded");
        }
    }
}
