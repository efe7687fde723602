package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A name the server chose (Content-Disposition, or the path of the URL it redirected to) never
 * replaces what is already in the directory: like wget, the job takes the next number. Names
 * the caller chose (a target, the URL's own path) still replace the file there.
 */
class ServerChosenNameTest {
    private static final String MINE = "mine, not the server's";
    private static final String CD = "Content-Disposition: attachment; filename=\"thesis.doc\"";
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Report download(ScriptedServer server, String path) throws InterruptedException {
        return Downloader.builder(client).directory(dir).retryPolicy(RetryPolicy.of(0)).build()
                .run(List.of(DownloadJob.of(server.uri(path))));
    }

    @Test
    void aContentDispositionNameOfAnExistingFileIsNumberedAndTheFileStays() throws Exception {
        Files.writeString(dir.resolve("thesis.doc"), MINE);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200, "new", CD))))) {
            Report report = download(server, "/dl?id=1");

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("thesis.1.doc").toString());
            assertThat(Files.readString(dir.resolve("thesis.1.doc"))).isEqualTo("new");
            assertThat(Files.readString(dir.resolve("thesis.doc"))).isEqualTo(MINE);
        }
    }

    @Test
    void aFailedDownloadUnderAContentDispositionNameNamesTheNumberedPathNotTheExistingFile() throws Exception {
        Files.writeString(dir.resolve("thesis.doc"), MINE);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, CD, "Content-Length: 100", "Connection: close") + "trunc").close()))) {
            Report report = download(server, "/dl");

            assertThat(report.isOk()).isFalse();
            // The command line removes what a failed item's path holds: it must not be the user's file.
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("thesis.1.doc").toString());
            assertThat(Files.readString(dir.resolve("thesis.1.doc.part"))).isEqualTo("trunc");
            assertThat(Files.readString(dir.resolve("thesis.doc"))).isEqualTo(MINE);
        }
    }

    @Test
    void theNameOfTheUrlRedirectedToIsNumberedWhenTaken() throws Exception {
        Files.writeString(dir.resolve("real.bin"), MINE);
        Files.writeString(dir.resolve("real.1.bin"), MINE);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(req.target().equals("/latest")
                ? Responses.status(302, "", "Location: /files/real.bin") : Responses.ok("new"))))) {
            Report report = download(server, "/latest");

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("real.2.bin").toString());
            assertThat(Files.readString(dir.resolve("real.bin"))).isEqualTo(MINE);
            assertThat(Files.readString(dir.resolve("real.1.bin"))).isEqualTo(MINE);
        }
    }

    @Test
    void aDirectoryOrALinkUnderTheServersNameIsPassedByToo() throws Exception {
        Files.createDirectory(dir.resolve("thesis.doc"));
        Files.createSymbolicLink(dir.resolve("thesis.1.doc"), dir.resolve("nowhere"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200, "new", CD))))) {
            Report report = download(server, "/dl");

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("thesis.2.doc").toString());
            assertThat(Files.isSymbolicLink(dir.resolve("thesis.1.doc"))).isTrue();
        }
    }

    @Test
    void theNameOfTheUrlsOwnPathStillReplacesTheFileThere() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "old");
        String sameName = "Content-Disposition: attachment; filename=a.txt";
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.status(200, "new", sameName))))) {
            Report report = download(server, "/a.txt");

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("a.txt").toString());
            assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("new");
        }
    }

    /**
     * The numbering depends only on what is in the directory: a later run with resume comes to
     * the same numbered name while the user's file is there, and so finds the part it left.
     */
    @Test
    void aResumedRunFindsThePartOfTheNumberedName() throws Exception {
        int length = 10_000;
        int held = 4000;
        Files.writeString(dir.resolve("thesis.doc"), MINE);
        Path part = Files.write(dir.resolve("thesis.1.doc.part"), PatternBytes.bytes(0, held));
        PartialContentTest.storeValidator(part, "\"v1\"");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.header("Range") != null && "\"v1\"".equals(req.header("If-Range"))) {
                r.send(Responses.head(206, CD, "ETag: \"v1\"", "Content-Length: " + (length - held),
                        "Content-Range: bytes " + held + "-" + (length - 1) + "/" + length)).sendPattern(held, length - held);
            } else {
                r.send(Responses.head(200, CD, "ETag: \"v1\"", "Content-Length: " + length)).sendPattern(length);
            }
        }))) {
            Report report = Downloader.builder(client).directory(dir).resume(true).build()
                    .run(List.of(DownloadJob.of(server.uri("/dl"))));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).path()).isEqualTo(dir.resolve("thesis.1.doc").toString());
            assertThat(server.requests()).extracting(RecordedRequest::target, q -> q.header("Range"))
                    .containsExactly(tuple("/dl", null), tuple("/dl", "bytes=" + held + "-"));
            assertThat(Files.readAllBytes(dir.resolve("thesis.1.doc"))).isEqualTo(PatternBytes.bytes(0, length));
            assertThat(Files.readString(dir.resolve("thesis.doc"))).isEqualTo(MINE);
        }
    }
}
