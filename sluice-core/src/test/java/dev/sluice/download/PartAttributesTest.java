package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the extended attributes of {@code NAME.part} and of the finished file say, whichever
 * way the part came about: bytes that may stay in a part (the rest of the body has not come)
 * are described (validator, length, URL) before they are there, so that a later run can resume
 * them; a finished file keeps the URL and nothing else; a part an earlier run left is never
 * taken to be of the version its old attributes name.
 */
class PartAttributesTest {
    private static final int LENGTH = 10_240;
    private static final int CUT = 4000;
    private static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(WAIT).build();

    @BeforeEach
    void needsExtendedAttributes() throws IOException {
        Path probe = Files.writeString(dir.resolve("probe"), "");
        UserDefinedFileAttributeView view = Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
        assumeTrue(view != null, "no extended attributes here");
        try {
            view.write("sluice.probe", ByteBuffer.wrap(new byte[] {1}));
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no extended attributes here: " + e);
        }
        Files.delete(probe);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static Map<String, String> attributesOf(Path file) {
        try {
            Map<String, String> all = new TreeMap<>();
            SegmentedIntegrityTest.attributesOf(file)
                    .forEach((k, v) -> all.put(k, new String(v, StandardCharsets.ISO_8859_1)));
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Report run(ScriptedServer server, Path target, ProgressEvent.Listener listener) throws InterruptedException {
        return Downloader.builder(client).directory(dir).sleeper(d -> { }).retryPolicy(RetryPolicy.of(0))
                .listener(listener).build()
                .run(List.of(new DownloadJob(server.uri("/file.bin"), target, Optional.empty())));
    }

    /**
     * A listener that, once {@code bytes} of the body are in the part, reads the part's
     * attributes there and then (on the download's thread, before it reads on).
     */
    private static ProgressEvent.Listener snapshotAt(long bytes, Path part, CompletableFuture<Map<String, String>> seen) {
        return e -> {
            if (e instanceof ProgressEvent.Bytes b && b.bytes() == bytes && !seen.isDone()) {
                seen.complete(attributesOf(part));
            }
        };
    }

    /** The head and the first {@link #CUT} bytes; the rest once {@code release} is counted down. */
    private static ScriptedServer pausedAfterCut(CountDownLatch release, String... head) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.head(200, head))
                .sendPattern(CUT).stallUntil(release).sendPattern(CUT, LENGTH - CUT)));
    }

    private String url(ScriptedServer server) {
        return server.uri("/file.bin").toString();
    }

    @Test
    void bytesOfANewPartAreDescribedBeforeTheRestOfTheBodyComes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Map<String, String>> seen = new CompletableFuture<>();
        try (var server = pausedAfterCut(release, "Content-Length: " + LENGTH, "ETag: \"v1\"")) {
            CompletableFuture<Map<String, String>> released = seen.thenApply(a -> {
                release.countDown();
                return a;
            });
            Report report = run(server, Path.of("file.bin"), snapshotAt(CUT, dir.resolve("file.bin.part"), seen));

            assertThat(released.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsOnly(
                    Map.entry("sluice.validator", "\"v1\""),
                    Map.entry("sluice.length", Integer.toString(LENGTH)),
                    Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
            assertThat(attributesOf(dir.resolve("file.bin"))).containsOnly(Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
        }
    }

    @Test
    void aBodyOfUnknownLengthIsDescribedBeforeItsFirstBytes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Map<String, String>> seen = new CompletableFuture<>();
        String first = "a".repeat(CUT);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Transfer-Encoding: chunked", "ETag: \"v1\""))
                .send(Integer.toHexString(CUT) + "\r\n" + first + "\r\n")
                .stallUntil(release).send("3\r\nxyz\r\n0\r\n\r\n")))) {
            CompletableFuture<Map<String, String>> released = seen.thenApply(a -> {
                release.countDown();
                return a;
            });
            Report report = run(server, Path.of("file.bin"), snapshotAt(CUT, dir.resolve("file.bin.part"), seen));

            // No length to store: only what the response says.
            assertThat(released.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsOnly(
                    Map.entry("sluice.validator", "\"v1\""), Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readString(dir.resolve("file.bin"))).isEqualTo(first + "xyz");
            assertThat(attributesOf(dir.resolve("file.bin"))).containsOnly(Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
        }
    }

    @Test
    void aPartCutShortIsResumedByALaterRunWithItsValidator() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest()
                        .send(Responses.head(200, "Content-Length: " + LENGTH, "ETag: \"v1\"")).sendPattern(CUT).close())
                .onEveryConnection(c -> c.expectRequest().send(Responses.head(206, "Content-Length: " + (LENGTH - CUT),
                        "ETag: \"v1\"", "Content-Range: bytes " + CUT + "-" + (LENGTH - 1) + "/" + LENGTH))
                        .sendPattern(CUT, LENGTH - CUT)))) {
            Report cut = run(server, Path.of("file.bin"), e -> { });

            assertThat(cut.isOk()).isFalse();
            assertThat(attributesOf(dir.resolve("file.bin.part"))).containsOnly(
                    Map.entry("sluice.validator", "\"v1\""),
                    Map.entry("sluice.length", Integer.toString(LENGTH)),
                    Map.entry(PartFile.URL_ATTRIBUTE, url(server)));

            Report resumed = Downloader.builder(client).directory(dir).resume(true).build()
                    .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));

            assertThat(resumed.isOk()).as("%s", resumed.toJson()).isTrue();
            assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=" + CUT + "-");
            assertThat(server.requests().get(1).header("If-Range")).isEqualTo("\"v1\"");
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, LENGTH));
        }
    }

    @Test
    void aFileThatCameWholeKeepsOnlyItsUrl() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 1024", "ETag: \"v1\"")).sendPattern(1024)))) {
            Report report = run(server, Path.of("file.bin"), e -> { });

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, 1024));
            assertThat(attributesOf(dir.resolve("file.bin"))).containsOnly(Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
            assertThat(dir.resolve("file.bin.part")).doesNotExist();
        }
    }

    @Test
    void aFileMadeInADirectoryThatIsNotThereYetKeepsOnlyItsUrl() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 1024", "ETag: \"v1\"")).sendPattern(1024)))) {
            Report report = run(server, Path.of("a/b/file.bin"), e -> { });

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("a/b/file.bin"))).isEqualTo(PatternBytes.bytes(0, 1024));
            assertThat(attributesOf(dir.resolve("a/b/file.bin"))).containsOnly(Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
        }
    }

    /** A part an earlier run left, of another version, split in segments, of another URL. */
    private Path stalePart() throws IOException {
        Path part = Files.write(dir.resolve("file.bin.part"), PatternBytes.bytes(0, 99));
        UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
        view.write("sluice.validator", ByteBuffer.wrap("\"old\"".getBytes(StandardCharsets.ISO_8859_1)));
        view.write("sluice.length", ByteBuffer.wrap("99".getBytes(StandardCharsets.ISO_8859_1)));
        view.write("sluice.segments", ByteBuffer.wrap(SegmentRecord.format(99, "\"old\"",
                new long[][] {{0, 49, 50}, {50, 98, 49}}).getBytes(StandardCharsets.ISO_8859_1)));
        view.write(PartFile.URL_ATTRIBUTE, ByteBuffer.wrap("http://elsewhere.test/old".getBytes(StandardCharsets.UTF_8)));
        return part;
    }

    @Test
    void aPartLeftBeforeIsDescribedAnewBeforeNewBytesGoIn() throws Exception {
        Path part = stalePart();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Map<String, String>> seen = new CompletableFuture<>();
        try (var server = pausedAfterCut(release, "Content-Length: " + LENGTH, "ETag: \"v2\"")) {
            CompletableFuture<Map<String, String>> released = seen.thenApply(a -> {
                release.countDown();
                return a;
            });
            Report report = run(server, Path.of("file.bin"), snapshotAt(CUT, part, seen));

            assertThat(released.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsOnly(
                    Map.entry("sluice.validator", "\"v2\""),
                    Map.entry("sluice.length", Integer.toString(LENGTH)),
                    Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(attributesOf(dir.resolve("file.bin"))).containsOnly(Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
        }
    }

    @Test
    void aPartLeftBeforeThatIsReplacedByAWholeBodyLeavesNoneOfItsAttributes() throws Exception {
        stalePart();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 1024")).sendPattern(1024)))) {
            Report report = run(server, Path.of("file.bin"), e -> { });

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, 1024));
            assertThat(attributesOf(dir.resolve("file.bin"))).containsOnly(Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
        }
    }

    @Test
    void aPartLeftBeforeWithoutAValidatorNowIsNotResumedUnderItsOldOne() throws Exception {
        // Cut again, under no validator at all this time: the old one must not stay on the new bytes.
        stalePart();
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: " + LENGTH)).sendPattern(CUT).close()))) {
            Report report = run(server, Path.of("file.bin"), e -> { });

            assertThat(report.isOk()).isFalse();
            assertThat(attributesOf(dir.resolve("file.bin.part"))).containsOnly(
                    Map.entry("sluice.length", Integer.toString(LENGTH)), Map.entry(PartFile.URL_ATTRIBUTE, url(server)));
        }
    }

    @Test
    void aWholeBodyInterruptedWhileTheRateLimitWaitsIsResumed() throws Exception {
        // The one read brought the whole body, then the rate limit made the download wait
        // before the rename; an interrupt there leaves the part. It must be described, so that
        // a later run resumes it (a 416: all there) instead of fetching it again.
        int length = 2048;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.header("Range") != null) {
                r.send(Responses.head(416, "Content-Range: bytes */" + length, "ETag: \"v1\"", "Content-Length: 0"));
            } else {
                r.send(Responses.head(200, "Content-Length: " + length, "ETag: \"v1\"")).sendPattern(length);
            }
        }))) {
            CountDownLatch whole = new CountDownLatch(1);
            Downloader limited = Downloader.builder(client).directory(dir).rateLimit(1)
                    .listener(e -> {
                        if (e instanceof ProgressEvent.Bytes b && b.bytes() == length) {
                            whole.countDown();
                        }
                    }).build();
            DownloadJob job = new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty());
            CompletableFuture<Void> ended = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    limited.run(List.of(job));
                } catch (DownloadInterruptedException expected) {
                    // told to stop, as Ctrl-C does
                } finally {
                    ended.complete(null);
                }
            });
            assertThat(whole.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            t.interrupt();
            ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            Path part = dir.resolve("file.bin.part");
            assertThat(part).hasSize(length);
            assertThat(attributesOf(part)).containsEntry("sluice.validator", "\"v1\"")
                    .containsEntry("sluice.length", Integer.toString(length));

            Report again = Downloader.builder(client).directory(dir).resume(true).build().run(List.of(job));
            assertThat(again.isOk()).isTrue();
            assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=" + length + "-");
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, length));
        }
    }
}
