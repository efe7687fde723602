package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 416 to a resumed request says the part may hold the whole file ("bytes *&#47;SIZE"), but only
 * of the version the server names: a server that ignores If-Range may have another version of
 * the same length, which the part is not.
 */
class RangeNotSatisfiableTest {
    private static final int LENGTH = 20_000;
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** A complete part of version 1 (pattern 0), its validator stored as an earlier run stores it. */
    private void completePartOfVersion1() throws IOException {
        PartFile part = new PartFile(dir.resolve("file.bin"));
        Files.write(part.path(), PatternBytes.bytes(0, LENGTH));
        assumeTrue(part.storeAttribute("sluice.validator", "\"v1\""), "no extended attributes here");
        part.storeSource(new PartFile.Source(Optional.of("\"v1\""), OptionalLong.of(LENGTH)));
    }

    /** 416 "bytes *&#47;LENGTH" under {@code etag} to a Range request; else the whole of version 2 (pattern 7). */
    private static ScriptedServer server(String etag) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.header("Range") != null) {
                r.send(Responses.head(416, "Content-Length: 0", "Content-Range: bytes */" + LENGTH, "ETag: " + etag));
            } else {
                r.send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"v2\"")).sendPattern(7, LENGTH);
            }
        }));
    }

    private Report resume(ScriptedServer server) throws InterruptedException {
        return Downloader.builder(client).directory(dir).resume(true).retryPolicy(RetryPolicy.of(0)).build()
                .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));
    }

    @Test
    void aRangeNotSatisfiableUnderAnotherEntityTagDiscardsThePartAndFetchesTheFileAgain() throws Exception {
        completePartOfVersion1();
        try (var server = server("\"v2\"")) {
            Report report = resume(server);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).extracting(RecordedRequest::target, q -> q.header("Range"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("/file.bin", "bytes=" + LENGTH + "-"),
                            org.assertj.core.groups.Tuple.tuple("/file.bin", null));
            assertThat(report.items().get(0).attempts()).isEqualTo(1);
            assertThat(report.items().get(0).httpStatus()).isEqualTo(200);
            byte[] got = Files.readAllBytes(dir.resolve("file.bin"));
            assertThat(got).hasSize(LENGTH);
            PatternBytes.verify(got, 0, LENGTH, 7);
            assertThat(Files.exists(dir.resolve("file.bin.part"))).isFalse();
        }
    }

    @Test
    void aRangeNotSatisfiableUnderThePartsEntityTagFinishesThePartAndCountsTheWholeFile() throws Exception {
        completePartOfVersion1();
        try (var server = server("\"v1\"")) {
            Report report = resume(server);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).hasSize(1);
            assertThat(report.items().get(0).httpStatus()).isEqualTo(416);
            // The size of the file at its path, though no byte of it came in this run.
            assertThat(report.items().get(0).bytes()).isEqualTo(LENGTH);
            assertThat(report.totalBytes()).isEqualTo(LENGTH);
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }

    /**
     * Apache 2.4 and lighttpd 1.4 send their 416 without Content-Range (RFC 9110 §15.5.17 only
     * says SHOULD): a part of the length recorded with its validator, which If-Range sent, is
     * the whole file. It was deleted (exit 6 with --retries 0, the whole file fetched again
     * with retries).
     */
    @Test
    void aRangeNotSatisfiableWithoutContentRangeFinishesAPartOfTheRecordedLength() throws Exception {
        completePartOfVersion1();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.head(416, "Content-Length: 0"))))) {
            Report report = resume(server);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).hasSize(1);
            assertThat(server.requests().getFirst().header("If-Range")).isEqualTo("\"v1\"");
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
            assertThat(Files.exists(dir.resolve("file.bin.part"))).isFalse();
        }
    }

    /** Without Content-Range, a part shorter than its recorded length is not taken for the file. */
    @Test
    void aRangeNotSatisfiableWithoutContentRangeDoesNotFinishAShortPart() throws Exception {
        completePartOfVersion1();
        PartFile part = new PartFile(dir.resolve("file.bin"));
        try (var ch = java.nio.channels.FileChannel.open(part.path(), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(LENGTH - 1);
        }
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.head(416, "Content-Length: 0"))))) {
            Report report = resume(server);

            assertThat(report.isOk()).as("%s", report.toJson()).isFalse();
            assertThat(Files.exists(dir.resolve("file.bin"))).isFalse();
        }
    }
}
