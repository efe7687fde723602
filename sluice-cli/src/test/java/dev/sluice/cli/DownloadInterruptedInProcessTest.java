package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process, an interrupted download returns 130 (128 + SIGINT, what a shell reports for a
 * Ctrl-C), not the code of an internal error; the report of the run is still written.
 */
class DownloadInterruptedInProcessTest {
    @TempDir
    Path dir;

    @Test
    void anInterruptedRunReturns130AndWritesItsReport() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.head(200, "Content-Length: 100000")).sendPattern(1000).stallUntil("never")))) {
            Path report = dir.resolve("r.json");
            CompletableFuture<Cli.Result> result = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().start(() -> result.complete(Cli.run("download",
                    server.uri("/big.bin").toString(), "-d", dir.resolve("out").toString(), "--report", report.toString(),
                    "--progress", "none")));
            server.awaitRequests(1, Duration.ofSeconds(10));
            Path part = dir.resolve("out/big.bin.part");
            awaitSize(part, 1000);

            runner.interrupt();

            Cli.Result r = result.get(10, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INTERRUPTED).isEqualTo(130);
            assertThat(Files.readString(report)).contains("\"message\":\"" + server.uri("/big.bin") + ": interrupted before it finished\"");
            // One URL: the line names it (CONTRACT.md), as the run's other error lines do, and the part to resume.
            assertThat(r.stderrLines()).containsExactly("sluice: " + server.uri("/big.bin")
                    + ": interrupted before it finished (run again with -c to resume what " + dir.resolve("out/big.bin") + ".part holds)");
        }
    }

    /** Nothing to resume: no hint to run again with -c (it printed one, naming "NAME.part", for every interrupt). */
    @Test
    void anInterruptBeforeAnyByteGivesNoHintToResume() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.stallUntil("never")))) {
            CompletableFuture<Cli.Result> result = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().start(() -> result.complete(Cli.run("download",
                    server.uri("/big.bin").toString(), "-d", dir.resolve("out").toString(), "--progress", "none")));
            server.awaitRequests(1, Duration.ofSeconds(10));

            runner.interrupt();

            Cli.Result r = result.get(10, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(r.stderrLines()).containsExactly("sluice: " + server.uri("/big.bin") + ": interrupted before it finished");
        }
    }

    /** Waits, bounded, until {@code file} holds {@code size} bytes: the state the test needs, not a time. */
    private static void awaitSize(Path file, long size) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(file) && Files.size(file) >= size)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " never held " + size + " bytes");
            }
            Thread.sleep(5);
        }
    }
    /**
     * An interrupted item the server had answered is reported failed (kind io), so CONTRACT.md's
     * rule holds for it: no file at its final path, not one an earlier run left there; only its
     * NAME.part stays. The earlier file stayed,
     * beside a report that called the item failed. An item still queued was never this run's
     * to replace: its earlier file stays.
     */
    @Test
    void anInterruptedItemLeavesNoEarlierFileAtItsPathButAQueuedOneKeepsIt() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) ->
                r.send(Responses.head(200, "Content-Length: 100000")).sendPattern(1000).stallUntil("never")))) {
            Path out = Files.createDirectories(dir.resolve("out"));
            Path started = Files.writeString(out.resolve("big.bin"), "from an earlier run");
            Path queued = Files.writeString(out.resolve("later.bin"), "from an earlier run");
            CompletableFuture<Cli.Result> result = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().start(() -> result.complete(Cli.run("download",
                    server.uri("/big.bin").toString(), server.uri("/later.bin").toString(), "-j", "1",
                    "-d", out.toString(), "--progress", "none")));
            // Answered: the part is made with the first body bytes, after the head (no hook to
            // wait on, so its path is polled, for at most 10 s).
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(out.resolve("big.bin.part"))) {
                assertThat(System.nanoTime()).as("the first bytes arrived").isLessThan(end);
            }

            runner.interrupt();

            Cli.Result r = result.get(10, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(started).doesNotExist();
            assertThat(queued).hasContent("from an earlier run");
            assertThat(server.requests()).extracting(q -> q.target()).containsExactly("/big.bin");
        }
    }
    /**
     * A job counts its first attempt as soon as it starts: an item interrupted while its request
     * waited for an answer (or was still connecting) had not begun to replace the file there,
     * which stays. It was removed, as if the server had answered.
     */
    @Test
    void anItemInterruptedBeforeAnyAnswerKeepsTheEarlierFile() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.stallUntil("never")))) {
            Path out = Files.createDirectories(dir.resolve("out"));
            Path earlier = Files.writeString(out.resolve("big.bin"), "from an earlier run");
            CompletableFuture<Cli.Result> result = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().start(() -> result.complete(Cli.run("download",
                    server.uri("/big.bin").toString(), "-d", out.toString(), "--progress", "none")));
            server.awaitRequests(1, Duration.ofSeconds(10));

            runner.interrupt();

            Cli.Result r = result.get(10, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(earlier).hasContent("from an earlier run");
        }
    }
}
