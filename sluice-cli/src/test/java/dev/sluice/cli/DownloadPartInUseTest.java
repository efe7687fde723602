package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PatternBytes;
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
 * Two downloads into one directory at once, to the same name: the second touches neither the
 * part the first is writing nor the file at the final path (an earlier run's, here), and says
 * why; the first finishes as if alone.
 */
class DownloadPartInUseTest {
    private static final int SIZE = 200_000;
    @TempDir
    Path dir;

    @Test
    void theSecondRunLeavesThePartAndTheFinalFileToTheFirst() throws Exception {
        Files.writeString(dir.resolve("file.bin"), "an earlier run's copy");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/one/file.bin")) {
                r.send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(0, 1000).stallUntil("go")
                        .sendPattern(1000, SIZE - 1000);
            } else {
                r.send(Responses.head(200, "Content-Length: " + SIZE)).sendPattern(1L << 40, SIZE);
            }
        }))) {
            CompletableFuture<Cli.Result> first = CompletableFuture.supplyAsync(
                    () -> Cli.run("download", server.uri("/one/file.bin").toString(), "-d", dir.toString()));
            server.awaitRequests(1, Duration.ofSeconds(10));

            String url = server.uri("/two/file.bin").toString();
            Cli.Result second = Cli.run("download", url, "-d", dir.toString(), "--retries", "0");

            assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCodes.LOCAL_IO);
            assertThat(second.stderr()).contains("sluice: " + url + ": " + dir.resolve("file.bin.part")
                    + ": another download is writing it; nothing was changed");
            assertThat(Files.readString(dir.resolve("file.bin"))).isEqualTo("an earlier run's copy");
            assertThat(server.requests()).hasSize(1);

            server.release("go");
            Cli.Result done = first.get(10, TimeUnit.SECONDS);
            assertThat(done.exitCode()).as(done.toString()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(PatternBytes.bytes(0, SIZE));
        }
    }
}
