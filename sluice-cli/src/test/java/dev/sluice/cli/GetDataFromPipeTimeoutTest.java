package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --timeout} bounds a request whose body comes from a pipe that stays silent, as
 * {@code (sleep 1000; echo x) | sluice get URL -d @/dev/stdin --timeout 2} sends: the run ends
 * with the timeout's exit code, not when the pipe speaks.
 */
class GetDataFromPipeTimeoutTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aDataPipeThatStaysSilentEndsAtTheTimeout() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "named pipes as on Linux");
        Path fifo = dir.resolve("stdin.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assumeTrue(mkfifo.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo works");
        // Held open for writing (Linux opens a pipe for reading and writing without a reader),
        // so the command's read waits for bytes instead of seeing the end of the pipe.
        try (FileChannel writer = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
             var server = ScriptedServer.start(s -> s.onConnection(0, c -> c.expectRequestHead()
                     .send("HTTP/1.1 100 Continue\r\n\r\n").awaitClientClose()))) {
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run("get",
                    server.uri("/upload").toString(), "-d", "@" + fifo, "--timeout", "1"),
                    task -> Thread.ofPlatform().daemon().start(task));
            try {
                Cli.Result result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(result.exitCode()).as(result.toString()).isEqualTo(5);
                assertThat(result.stderr()).contains(server.uri("/upload").toString(), "while sending the request");
                server.awaitClientClose(0, WAIT);
            } finally {
                writer.write(ByteBuffer.wrap(new byte[] {'x'})); // lets a command that hung go
            }
        }
    }
}
