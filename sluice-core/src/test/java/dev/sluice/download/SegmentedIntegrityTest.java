package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Client;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Segments are pieces of one version of the file: they are split only under a strong
 * validator, each must answer under it, and a part left by a stopped segmented run is never
 * taken for a whole file.
 */
class SegmentedIntegrityTest {
    private static final int SIZE = 2 << 20;
    /** Version 2 of the file is the pattern from this offset on, so no byte range of it is of version 1. */
    private static final long V2 = 1L << 40;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    Path dir;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Report run(ScriptedServer server, int retries, boolean resume) throws InterruptedException {
        return Downloader.builder(client).directory(dir).segments(2).resume(resume).sleeper(d -> { })
                .retryPolicy(RetryPolicy.of(retries)).build()
                .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));
    }

    private static long[] range(String header) {
        Matcher m = RANGE.matcher(header);
        assertThat(m.matches()).as(header).isTrue();
        long first = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? SIZE - 1 : Long.parseLong(m.group(2));
        return new long[] {first, last};
    }

    private static String[] with(String[] lines, String... more) {
        return Stream.concat(Stream.of(lines), Stream.of(more)).toArray(String[]::new);
    }

    private List<String> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ETag: W/\"w1\"", "Last-Modified: Mon, 02 Jun 2025 10:00:00 GMT", ""})
    void withoutAStrongValidatorTheFileIsNotSplitButFetchedInOneStream(String validatorLine) throws Exception {
        String[] validator = validatorLine.isEmpty() ? new String[0]
                : new String[] {validatorLine, "Date: Mon, 02 Jun 2025 10:00:00 GMT"};
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.header("Range") == null) {
                r.send(Responses.head(200, with(validator, "Content-Length: " + SIZE))).sendPattern(SIZE);
                return;
            }
            long[] range = range(req.header("Range"));
            r.send(Responses.head(206, with(validator, "Content-Length: " + (range[1] - range[0] + 1),
                    "Content-Range: bytes " + range[0] + "-" + range[1] + "/" + SIZE))).sendPattern(range[0], range[1] - range[0] + 1);
        }))) {
            Report report = run(server, 0, false);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsExactly("bytes=0-0", null);
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
        }
    }

    /**
     * A server that changes the file while the first round of requests is under way and ignores
     * If-Range: the first probe and the first segment are of version 1 under {@code v1Line},
     * every other answer of version 2 under {@code v2Line}. A later round (a retry's probe and
     * segments) is all of version 2.
     */
    private static ScriptedServer changedDuringTheFirstRound(String v1Line, String v2Line) throws IOException {
        AtomicInteger probes = new AtomicInteger();
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.header("Range") == null) {
                r.send(Responses.head(200, v2Line, "Content-Length: " + SIZE)).sendPattern(V2, SIZE);
                return;
            }
            long[] range = range(req.header("Range"));
            int round = range[1] == 0 ? probes.incrementAndGet() : probes.get();
            boolean v1 = round == 1 && range[0] == 0;
            r.send(Responses.head(206, v1 ? v1Line : v2Line, "Content-Length: " + (range[1] - range[0] + 1),
                    "Date: Tue, 03 Jun 2025 10:00:00 GMT",
                    "Content-Range: bytes " + range[0] + "-" + range[1] + "/" + SIZE))
                    .sendPattern((v1 ? 0 : V2) + range[0], range[1] - range[0] + 1);
        }));
    }

    @Test
    void aSegmentUnderAnotherEntityTagThanTheProbesHasTheFileFetchedInOneStreamAtOnce() throws Exception {
        try (var server = changedDuringTheFirstRound("ETag: \"s1\"", "ETag: \"s2\"")) {
            Report report = run(server, 0, false);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(server.requests()).filteredOn(q -> q.header("Range") != null && !q.header("Range").equals("bytes=0-0"))
                    .isNotEmpty().allMatch(q -> "\"s1\"".equals(q.header("If-Range")));
            // One probe: a new one would meet a server whose copies disagree the same way.
            assertThat(server.requests()).filteredOn(q -> "bytes=0-0".equals(q.header("Range"))).hasSize(1);
            assertThat(server.requests().get(server.requests().size() - 1).header("Range")).isNull();
            byte[] got = Files.readAllBytes(dir.resolve("file.bin"));
            assertThat(got).hasSize(SIZE);
            PatternBytes.verify(got, 0, got.length, V2);
            assertThat(filesIn(dir)).containsExactly("file.bin");
        }
    }

    @Test
    void aSegmentUnderAnotherLastModifiedDateThanTheProbesHasTheFileFetchedInOneStream() throws Exception {
        try (var server = changedDuringTheFirstRound("Last-Modified: Mon, 02 Jun 2025 10:00:00 GMT",
                "Last-Modified: Tue, 03 Jun 2025 09:00:00 GMT")) {
            Report report = run(server, 0, false);

            assertThat(report.items().get(0).ok()).as("%s", report.toJson()).isTrue();
            PatternBytes.verify(Files.readAllBytes(dir.resolve("file.bin")), 0, SIZE, V2);
            assertThat(filesIn(dir)).containsExactly("file.bin");
        }
    }

    @Test
    void aServerWhoseCopiesCarryDifferentEntityTagsStillGivesTheFile() throws Exception {
        // Two backends behind one name, each with its own ETag for the same bytes, answering
        // in turn: every probe and its segments disagree.
        AtomicInteger answers = new AtomicInteger();
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String tag = "ETag: \"backend" + answers.getAndIncrement() % 2 + "\"";
            if (req.header("Range") == null) {
                r.send(Responses.head(200, tag, "Content-Length: " + SIZE)).sendPattern(0, SIZE);
                return;
            }
            long[] range = range(req.header("Range"));
            r.send(Responses.head(206, tag, "Content-Length: " + (range[1] - range[0] + 1),
                    "Content-Range: bytes " + range[0] + "-" + range[1] + "/" + SIZE))
                    .sendPattern(range[0], range[1] - range[0] + 1);
        }))) {
            Report report = run(server, 3, false);

            assertThat(report.items().get(0).ok()).as("%s", report.toJson()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
            assertThat(filesIn(dir)).containsExactly("file.bin");
        }
    }

    @Test
    void aPartStoppedBeforeItsSegmentsArriveIsNotTakenForTheWholeFile() throws Exception {
        // Stop a segmented run where a kill could: the part is preallocated and the segments
        // have been asked for, and not one byte of them has arrived.
        CountDownLatch release = new CountDownLatch(1);
        Path firstDir = Files.createDirectories(dir.resolve("first"));
        Path secondDir = Files.createDirectories(dir.resolve("second"));
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            long[] range = range(req.header("Range"));
            if (range[1] != 0) {
                r.stallUntil(release);
            }
            r.send(Responses.head(206, "ETag: \"e1\"", "Content-Length: " + (range[1] - range[0] + 1),
                    "Content-Range: bytes " + range[0] + "-" + range[1] + "/" + SIZE)).sendPattern(range[0], range[1] - range[0] + 1);
        }))) {
            CompletableFuture<Report> first = DownloadRuns.inBackground(Downloader.builder(client).directory(firstDir)
                    .segments(2).build(), List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));
            server.awaitRequests(3, WAIT);
            Path killed = firstDir.resolve("file.bin.part");
            Map<String, byte[]> attributes = attributesOf(killed);
            assumeTrue(attributes.containsKey("sluice.validator"), "no extended attributes here");
            Path part = Files.write(secondDir.resolve("file.bin.part"), Files.readAllBytes(killed));
            UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
            for (var a : attributes.entrySet()) {
                view.write(a.getKey(), ByteBuffer.wrap(a.getValue()));
            }
            release.countDown();
            assertThat(first.get().isOk()).isTrue();
        }
        // The next run, with --continue, meets a server that says the part is the whole file.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.header("Range") != null) {
                r.send(Responses.status(416, "", "Content-Range: bytes */" + SIZE));
            } else {
                r.send(Responses.head(200, "ETag: \"e1\"", "Content-Length: " + SIZE)).sendPattern(SIZE);
            }
        }))) {
            Report report = Downloader.builder(client).directory(secondDir).resume(true).build()
                    .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).extracting(q -> q.header("Range")).containsOnlyNulls();
            assertThat(Files.readAllBytes(secondDir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
        }
    }

    /**
     * A segmented part of the whole file's bytes under ETag "e1", as a stopped run leaves it,
     * its record saying {@code segments} ({start, end, done} each); skips where the file system
     * keeps no extended attributes.
     */
    private Path segmentedPartUnderE1(long[][] segments) throws IOException {
        Path part = Files.write(dir.resolve("file.bin.part"), PatternBytes.bytes(0, SIZE));
        UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
        assumeTrue(view != null, "no extended attributes here");
        PartialContentTest.storeValidator(part, "\"e1\"");
        view.write("sluice.length", ByteBuffer.wrap(Integer.toString(SIZE).getBytes(StandardCharsets.ISO_8859_1)));
        view.write("sluice.segments", ByteBuffer.wrap(SegmentRecord.format(SIZE, "\"e1\"", segments)
                .getBytes(StandardCharsets.ISO_8859_1)));
        return part;
    }

    @Test
    void aSegmentedPartWhoseRecordSaysEveryRangeArrivedIsFinishedByAFourSixteen() throws Exception {
        // A run stopped after its last segment arrived and before the rename.
        long half = SIZE / 2;
        segmentedPartUnderE1(new long[][] {{0, half - 1, half}, {half, SIZE - 1, half}});
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.status(416, "", "Content-Range: bytes */" + SIZE))))) {
            Report report = Downloader.builder(client).directory(dir).resume(true).build()
                    .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).singleElement().satisfies(q -> assertThat(q.header("Range")).isEqualTo("bytes=" + SIZE + "-"));
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
        }
    }

    /**
     * A part cut shorter than its record says (by hand, or a file system that lost its tail)
     * holds fewer bytes of each range than recorded: those ranges continue from what is there.
     * They continued from the record, and the bytes between came out as zeros, with exit 0.
     */
    @Test
    void aPartShorterThanItsRecordContinuesEachRangeFromWhatItHolds() throws Exception {
        long half = SIZE / 2;
        Path part = segmentedPartUnderE1(new long[][] {{0, half - 1, half / 2}, {half, SIZE - 1, half / 2}});
        try (var ch = java.nio.channels.FileChannel.open(part, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(half / 4);
        }
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            long[] range = range(req.header("Range"));
            r.send(Responses.head(206, "ETag: \"e1\"", "Content-Length: " + (range[1] - range[0] + 1),
                    "Content-Range: bytes " + range[0] + "-" + range[1] + "/" + SIZE))
                    .sendPattern(range[0], range[1] - range[0] + 1);
        }))) {
            Report report = run(server, 0, true);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).extracting(q -> q.header("Range"))
                    .contains("bytes=" + half / 4 + "-" + (half - 1), "bytes=" + half + "-" + (SIZE - 1));
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
        }
    }

    @Test
    void aFinishedSegmentedFileKeepsNoneOfThePartsAttributes() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            long[] range = range(req.header("Range"));
            r.send(Responses.head(206, "ETag: \"e1\"", "Content-Length: " + (range[1] - range[0] + 1),
                    "Content-Range: bytes " + range[0] + "-" + range[1] + "/" + SIZE)).sendPattern(range[0], range[1] - range[0] + 1);
        }))) {
            Report report = run(server, 0, false);

            assertThat(report.isOk()).as("%s", report.toJson()).isTrue();
            assertThat(server.requests()).hasSize(3);
            // The URL stays: it says whose download the file is (see ServerChosenNameRerunTest).
            assertThat(attributesOf(dir.resolve("file.bin")).keySet())
                    .noneMatch(name -> name.startsWith("sluice.") && !name.equals(PartFile.URL_ATTRIBUTE));
        }
    }

    /** The user extended attributes of {@code file}; none where the file system keeps none. */
    static Map<String, byte[]> attributesOf(Path file) throws IOException {
        Map<String, byte[]> all = new HashMap<>();
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null) {
            return all;
        }
        for (String name : view.list()) {
            ByteBuffer b = ByteBuffer.allocate(view.size(name));
            view.read(name, b);
            all.put(name, Arrays.copyOf(b.array(), b.position()));
        }
        return all;
    }

    @Test
    void aSegmentRecordsItsProgressWellBeforeEightMebibytes() throws Exception {
        // 8 MiB in two segments of 4 MiB: each records at least every eighth of itself, so a
        // run killed after 1.5 MiB of each keeps them for --continue.
        int size = 8 << 20;
        int sent = 3 << 19;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch received = new CountDownLatch(1);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            Matcher m = RANGE.matcher(req.header("Range"));
            assertThat(m.matches()).isTrue();
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            long length = last - first + 1;
            r.send(Responses.head(206, "ETag: \"e1\"", "Content-Length: " + length,
                    "Content-Range: bytes " + first + "-" + last + "/" + size));
            if (length <= sent) {
                r.sendPattern(first, length);
            } else {
                r.sendPattern(first, sent).stallUntil(release).sendPattern(first + sent, length - sent);
            }
        }))) {
            CompletableFuture<Report> run = DownloadRuns.inBackground(Downloader.builder(client).directory(dir).segments(2)
                    .listener(e -> {
                        if (e instanceof ProgressEvent.Bytes b && b.bytes() >= 2L * sent) {
                            received.countDown();
                        }
                    })
                    .build(), List.of(new DownloadJob(server.uri("/big.bin"), Path.of("big.bin"), Optional.empty())));
            assertThat(received.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            byte[] record = attributesOf(dir.resolve("big.bin.part")).get("sluice.segments");
            assumeTrue(record != null, "no extended attributes here");
            long[][] segments = SegmentRecord.parse(new String(record, StandardCharsets.ISO_8859_1)).orElseThrow().segments();
            assertThat(Arrays.stream(segments).mapToLong(seg -> seg[2]).min().orElseThrow()).isGreaterThanOrEqualTo(1 << 20);
            release.countDown();
            assertThat(run.get().isOk()).isTrue();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // a hang guard: before, the other segment read on until the read timeout
    void whenOneSegmentFailsTheOthersStopAtOnce() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (Client patient = Client.builder().readTimeout(Duration.ofMinutes(10)).build();
             var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
                 long[] range = range(req.header("Range"));
                 long length = range[1] - range[0] + 1;
                 r.send(Responses.head(206, "ETag: \"e1\"", "Content-Length: " + length,
                         "Content-Range: bytes " + range[0] + "-" + range[1] + "/" + SIZE));
                 if (range[1] == 0) {
                     r.sendPattern(0, 1);
                 } else if (range[0] == 0) {
                     r.sendPattern(0, 1000).stallUntil(never); // the first segment: slow
                 } else {
                     r.sendPattern(range[0], length / 2).close(); // the second: cut short
                 }
             }))) {
            Report report = Downloader.builder(patient).directory(dir).segments(2).retryPolicy(RetryPolicy.of(0)).build()
                    .run(List.of(new DownloadJob(server.uri("/file.bin"), Path.of("file.bin"), Optional.empty())));

            assertThat(report.isOk()).isFalse();
            assertThat(report.items().getFirst().error().kind()).isEqualTo("protocol");
            assertThat(filesIn(dir)).containsExactly("file.bin.part"); // kept for -c
            never.countDown();
        }
    }
}
