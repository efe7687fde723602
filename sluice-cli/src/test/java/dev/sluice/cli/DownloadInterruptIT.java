package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code sluice download} told to stop (Ctrl-C, SIGTERM) still writes its report, replacing
 * one an earlier run left: the finished file as it is, the unfinished one failed as interrupted
 * with what its part file holds, which stays for --continue.
 */
class DownloadInterruptIT {
    private static final Path JAR = Path.of(System.getProperty("sluice.jar", "target/sluice.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"INT, 130", "TERM, 143"})
    void anInterruptedRunWritesItsReport(String signal, int exitCode) throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        Path report = dir.resolve("r.json");
        Files.writeString(report, "{\"an\":\"earlier run's report\"}\n");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/done.txt")) {
                r.send(Responses.ok("done"));
            } else {
                r.send(Responses.head(200, "Content-Length: 1000000")).sendPattern(1000).stallUntil("never");
            }
        }));
             WatchService watch = FileSystems.getDefault().newWatchService()) {
            out.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toString(), "download", "-j", "1",
                    server.uri("/done.txt").toString(), server.uri("/big.bin").toString(), "-d", out.toString(),
                    "--report", report.toString()));
            Process process = new ProcessBuilder(command)
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectError(dir.resolve("stderr").toFile())
                    .start();
            // With -j 1 the second file starts after the first is done: its part file is the sign.
            awaitFile(watch, "big.bin.part");
            server.awaitRequests(2, java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
            // The part holds what the server sent before it stalled, so the run has a part to
            // resume and says so; signalled before the bytes were written, it rightly would not.
            awaitSize(watch, out.resolve("big.bin.part"), 1000);

            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("exited").isTrue();

            assertThat(process.exitValue()).isEqualTo(exitCode);
            String json = Files.readString(report);
            assertThat(json).startsWith("{\"items\":[{\"url\":\"" + server.uri("/done.txt") + "\",\"path\":\""
                    + out.resolve("done.txt") + "\",\"ok\":true,\"httpStatus\":200,\"bytes\":4,");
            long held = Files.size(out.resolve("big.bin.part"));
            assertThat(json).contains("{\"url\":\"" + server.uri("/big.bin") + "\",\"path\":\"" + out.resolve("big.bin")
                    + "\",\"ok\":false,\"httpStatus\":200,\"bytes\":" + held + ",")
                    .contains("\"error\":{\"kind\":\"io\",\"message\":\"" + server.uri("/big.bin") + ": interrupted before it finished\"}")
                    .contains("\"totalBytes\":" + (4 + held) + ",");
            assertThat(Listing.filesIn(dir).stream().filter(n -> n.endsWith(".tmp"))).isEmpty();
            assertThat(Listing.filesIn(out)).containsExactly("big.bin.part", "done.txt");
            assertThat(Files.readString(dir.resolve("stderr"))).isEqualTo("sluice: interrupted: 1 of 2 files did not finish"
                    + " (run again with -c to resume what their NAME.part files hold)\n");
        }
    }

    @Test
    void aSignalWhileTheListIsReadRemovesAnOlderReport() throws Exception {
        Path fifo = dir.resolve("list.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        Path report = dir.resolve("r.json");
        Files.writeString(report, "{\"an\":\"earlier run's report\"}\n");
        Process process = new ProcessBuilder(JAVA.toString(), "-jar", JAR.toString(), "download", "-i", fifo.toString(),
                "-d", dir.resolve("out").toString(), "--report", report.toString())
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .start();
        // Opening a FIFO to write returns once the reader opened it: sluice is then reading the
        // list (its guard is installed first), and finds no line, for the writer writes none.
        CompletableFuture<OutputStream> writer = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newOutputStream(fifo);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (OutputStream w = writer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("exited").isTrue();
        }

        assertThat(process.exitValue()).isEqualTo(130);
        // No report of this run can be written (its jobs are not known), and the older one must
        // not pass for it.
        assertThat(report).doesNotExist();
        assertThat(Files.readString(dir.resolve("stderr"))).isEqualTo("sluice: interrupted before the downloads began; "
                + "no report written (the older " + report + " removed)\n");
    }

    @Test
    void aSegmentedDownloadStoppedBySignalReportsTheBytesItsRecordHolds() throws Exception {
        long size = 4L << 20;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            String range = req.header("Range");
            long first = Long.parseLong(range.substring(6, range.indexOf('-')));
            long last = Long.parseLong(range.substring(range.indexOf('-') + 1));
            r.send(Responses.head(206, "Content-Length: " + (last - first + 1), "ETag: \"e1\"",
                    "Content-Range: bytes " + first + "-" + last + "/" + size));
            if (last == 0) {
                r.sendPattern(0, 1);
            } else {
                r.sendPattern(first, 1000).stallUntil("never");
            }
        }));
             WatchService watch = FileSystems.getDefault().newWatchService()) {
            Path out = Files.createDirectory(dir.resolve("out"));
            Path report = dir.resolve("r.json");
            dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY);
            Process process = new ProcessBuilder(JAVA.toString(), "-jar", JAR.toString(), "download", "-s", "2",
                    server.uri("/big.bin").toString(), "-d", out.toString(), "--report", report.toString(),
                    "--progress", "bar")
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectError(dir.resolve("stderr").toFile())
                    .start();
            // The live view says when both segments' 1000 bytes are in: 2000 bytes, "2.0 KiB".
            awaitText(watch, dir.resolve("stderr"), "0/1 files  " + Units.bytes(2000) + "  ");

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("exited").isTrue();

            assertThat(process.exitValue()).isEqualTo(130);
            // What the control record says arrived: it is written as the segments stop, so -c
            // resumes both segments after their first 1000 bytes.
            assertThat(Files.readString(report)).contains("\"ok\":false,\"httpStatus\":206,\"bytes\":2000,");
            var view = Files.getFileAttributeView(out.resolve("big.bin.part"),
                    java.nio.file.attribute.UserDefinedFileAttributeView.class);
            java.nio.ByteBuffer record = java.nio.ByteBuffer.allocate(view.size("sluice.segments"));
            view.read("sluice.segments", record);
            String text = new String(record.array(), 0, record.position(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(text.lines().skip(1).mapToLong(l -> Long.parseLong(l.split(" ")[2])).sum()).isEqualTo(2000);
        }
    }

    /** Waits until {@code file} (in the watched directory) holds {@code text}. */
    private static void awaitText(WatchService watch, Path file, String text) throws Exception {
        while (!Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) {
            var key = watch.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(key).as(file + " shows " + text).isNotNull();
            key.pollEvents();
            key.reset();
        }
    }

    private static void awaitFile(WatchService watch, String name) throws InterruptedException {
        while (true) {
            var key = watch.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(key).as(name + " appears").isNotNull();
            for (var event : key.pollEvents()) {
                if (event.context().toString().equals(name)) {
                    key.reset();
                    return;
                }
            }
            key.reset();
        }
    }

    /** Waits until {@code file} holds {@code bytes} or more: each write is an event of its directory. */
    private static void awaitSize(WatchService watch, Path file, long bytes) throws InterruptedException, IOException {
        while (Files.size(file) < bytes) {
            var key = watch.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(key).as(file + " grows to " + bytes + " bytes").isNotNull();
            key.pollEvents();
            key.reset();
        }
    }
}
