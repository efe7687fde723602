package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -j}, {@code --per-host} and {@code --limit-rate}, counted where it shows: at the server. */
class DownloadConcurrencyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int FILE_BYTES = 20_000;

    @TempDir
    Path dir;

    /**
     * Every response sends half its body, then waits for the gate "go" (opened once for all), so
     * that the downloads that have started overlap and the limit is what keeps the others out.
     */
    private static ScriptedServer gatedServer() throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + FILE_BYTES))
                .sendPattern(0, FILE_BYTES / 2).stallUntil("go").sendPattern(FILE_BYTES / 2, FILE_BYTES / 2)));
    }

    private static String[] args(ScriptedServer server, int files, Path dir, String... options) {
        List<String> args = new ArrayList<>(List.of("download", "-d", dir.toString()));
        for (int i = 0; i < files; i++) {
            args.add(server.uri("/f/" + i + ".bin").toString());
        }
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    /** Runs the command on another thread, waits until the server holds {@code inFlight} requests, opens the gate. */
    private Cli.Result runReleasingAfter(ScriptedServer server, int inFlight, String[] args) throws Exception {
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run(args));
        server.awaitRequests(inFlight, WAIT);
        server.release("go");
        return run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void jobsLimitsTheConnectionsTheServerSees() throws Exception {
        try (var server = gatedServer()) {
            Cli.Result result = runReleasingAfter(server, 3, args(server, 12, dir, "-j", "3"));

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests()).hasSize(12);
            assertThat(server.connectionCount()).isEqualTo(3);
        }
    }

    @Test
    void perHostLimitsTheConnectionsToOneHostBelowJobs() throws Exception {
        try (var server = gatedServer()) {
            Cli.Result result = runReleasingAfter(server, 2, args(server, 10, dir, "-j", "8", "--per-host", "2"));

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests()).hasSize(10);
            assertThat(server.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void theDefaultIsEightAtOnce() throws Exception {
        try (var server = gatedServer()) {
            Cli.Result result = runReleasingAfter(server, 8, args(server, 20, dir));

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.connectionCount()).isEqualTo(8);
        }
    }

    @Test
    void twoHundredFilesAtSixteenAtOnceAllArriveWhole() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            int n = Integer.parseInt(req.target().replaceAll("\\D", ""));
            r.send(Responses.head(200, "Content-Length: " + (10_000 + n))).sendPattern(n, 10_000 + n);
        }))) {
            Path report = dir.resolve("report.json");
            Path out = dir.resolve("out");
            Cli.Result result = Cli.run(args(server, 200, out, "-j", "16", "--report", report.toString()));

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests()).hasSize(200);
            assertThat(server.connectionCount()).isBetween(1, 16);
            for (int i = 0; i < 200; i++) {
                byte[] got = Files.readAllBytes(out.resolve(i + ".bin"));
                assertThat(got).hasSize(10_000 + i);
                PatternBytes.verify(got, 0, got.length, i);
            }
            assertThat(Listing.filesIn(out)).hasSize(200).noneMatch(name -> name.endsWith(".part"));
            long total = 200 * 10_000L + 199 * 200 / 2;
            assertThat(result.stdoutText().lines()).hasSize(201).last().asString()
                    .matches("total \\d+\\.\\d\\d s, 200 files, " + total + " bytes");
            assertThat(Files.readString(report)).contains("\"totalBytes\":" + total + ",").doesNotContain("\"ok\":false");
        }
    }

    @Test
    void aLimitedRateStillDeliversTheWholeFile() throws IOException {
        int rate = 100 * 1024;
        int length = 2 * rate;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + length)).sendPattern(length)))) {
            Cli.Result result = Cli.run("download", server.uri("/slow.bin").toString(), "-d", dir.toString(),
                    "--limit-rate", "100K");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.size(dir.resolve("slow.bin"))).isEqualTo(length);
            // The pacing itself is RateLimiterTest's, with a fake clock.
        }
    }
}
