package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A -s probe answered with a complete length no file here can have ({@code bytes 0-0/2^63-1}):
 * that is what the server claims, not a local failure. The file comes in one stream, written as
 * it arrives and never preallocated, so that it ends as its body ends, and no segments record
 * is left claiming a file that was never there.
 */
class ClaimedSizeTest {
    private static final int SIZE = 100_000;
    private static final String ETAG = "\"c1\"";
    /** The largest file fetched in segments (SegmentedDownload.MAX_SEGMENTED_BYTES). */
    private static final long PEBIBYTE = 1L << 50;
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Report run(ScriptedServer server, int retries, boolean resume) throws InterruptedException {
        return Downloader.builder(client).directory(dir).segments(4).retryPolicy(RetryPolicy.of(retries))
                .resume(resume).sleeper(d -> { }).build().run(List.of(DownloadJob.of(server.uri("/f.bin"))));
    }

    /**
     * Answers the probe with a 206 of byte 0 of a file of {@code claimed} bytes, and a request
     * without Range with SIZE pattern bytes under {@code contentLength}, cut there when that is
     * more; a range {@code bytes=N-} with the rest of SIZE bytes.
     */
    private static ScriptedServer claiming(long claimed, long contentLength) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            if ("bytes=0-0".equals(range)) {
                r.send(Responses.head(206, "Content-Range: bytes 0-0/" + claimed, "Content-Length: 1", "ETag: " + ETAG))
                        .sendPattern(0, 1);
            } else if (range == null) {
                r.send(Responses.head(200, "Content-Length: " + contentLength, "ETag: " + ETAG)).sendPattern(0, SIZE);
                if (contentLength > SIZE) {
                    r.close();
                }
            } else {
                long from = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
                r.send(Responses.head(206, "Content-Range: bytes " + from + "-" + (SIZE - 1) + "/" + SIZE,
                        "Content-Length: " + (SIZE - from), "ETag: " + ETAG)).sendPattern(from, SIZE - from);
            }
        }));
    }

    private void assertWholeFile() throws IOException {
        byte[] got = Files.readAllBytes(dir.resolve("f.bin"));
        assertThat(got).hasSize(SIZE);
        PatternBytes.verify(got, 0, got.length, 0);
        assertThat(dir.resolve("f.bin.part")).doesNotExist();
    }

    @Test
    void aProbeClaimingTheLargestLongIsAnsweredByOneStreamInTheSameAttempt() throws Exception {
        try (var server = claiming(Long.MAX_VALUE, SIZE)) {
            Report report = run(server, 0, false);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.httpStatus()).isEqualTo(200);
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly("bytes=0-0", null);
            assertWholeFile();
        }
    }

    @Test
    void aProbeClaimingMoreThanTheLargestSegmentedFileIsAnsweredByOneStream() throws Exception {
        // Beyond the bound, whatever the file system could hold: no segment is asked for.
        try (var server = claiming(PEBIBYTE + 1, SIZE)) {
            Report report = run(server, 0, false);

            assertThat(report.items().get(0).ok()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly("bytes=0-0", null);
            assertWholeFile();
        }
    }

    @Test
    void aClaimThatTheFileSystemCannotHoldIsAnsweredByOneStream() throws Exception {
        // Below the bound, but more than this file system's largest file (ext4: 16 TiB).
        long claimed = PEBIBYTE / 8;
        assumeTrue(!canHold(claimed), "the file system of " + dir + " holds a sparse file of " + claimed + " bytes");
        try (var server = claiming(claimed, SIZE)) {
            Report report = run(server, 0, false);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly("bytes=0-0", null);
            assertWholeFile();
        }
    }

    @Test
    void aBodyThatEndsBeforeTheClaimIsAProtocolErrorAndItsPartClaimsNoSegmentsThenContinueFinishesIt()
            throws Exception {
        try (var server = claiming(Long.MAX_VALUE, Long.MAX_VALUE)) {
            Report report = run(server, 0, false);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.error().kind()).isEqualTo("protocol");
            assertThat(item.error().message()).startsWith(server.uri("/f.bin") + ": ")
                    .contains("body ended after " + SIZE + " of " + Long.MAX_VALUE + " bytes");
            assertThat(item.bytes()).isEqualTo(SIZE);
            PartFile part = new PartFile(dir.resolve("f.bin"));
            assertThat(Files.size(part.path())).isEqualTo(SIZE);
            assertThat(part.attribute(PartFile.SEGMENTS_ATTRIBUTE)).isEmpty();
        }
        // The same file, now served with its true size: -c finds a part whose claimed length
        // is not the file's, fetches it again from byte 0, and ends with the whole file.
        try (var server = claiming(SIZE, SIZE)) {
            Report report = run(server, 1, true);

            assertThat(report.items().get(0).ok()).as("%s", report.toJson()).isTrue();
            assertWholeFile();
        }
    }

    /** Whether a sparse file of {@code size} bytes can be made in {@link #dir}. */
    private boolean canHold(long size) throws IOException {
        Path scratch = dir.resolve("scratch");
        try (FileChannel f = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap(new byte[1]), size - 1);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            Files.deleteIfExists(scratch);
        }
    }
}
