package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.Ports;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every item has its path from the start: duplicates are numbered in the order of the input,
 * and an item that fails before any response removes an earlier run's file at its path, as
 * one that fails with a status does.
 */
class DownloadNamesInOrderTest {
    @TempDir
    Path dir;

    @Test
    void anItemThatCannotConnectLeavesNoFileAtItsPathNotEvenOneFromAnEarlierRun() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.writeString(out.resolve("refused.bin"), "from an earlier run");
        Path report = dir.resolve("report.json");
        String url = "http://127.0.0.1:" + Ports.closedPort() + "/refused.bin";

        Cli.Result result = Cli.run("download", "-d", out.toString(), "--retries", "0", "--report", report.toString(), url);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.CONNECT);
        assertThat(Listing.filesIn(out)).isEmpty();
        assertThat(Files.readString(report)).contains("\"path\":\"" + out.resolve("refused.bin") + "\"");
    }

    @Test
    void duplicateNamesAreNumberedInInputOrder() throws IOException {
        Path out = dir.resolve("out");
        CountDownLatch secondAnswered = new CountDownLatch(1);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().contains("slow")) {
                // The first line's answer comes only after the second line's was sent in full.
                r.stallUntil(secondAnswered).send(Responses.ok(req.target()));
            } else {
                r.send(Responses.ok(req.target())).signal(secondAnswered);
            }
        }))) {
            Path list = Files.writeString(dir.resolve("in.txt"),
                    server.uri("/a.bin?slow") + "\n" + server.uri("/a.bin?fast") + "\n");
            Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(Files.readString(out.resolve("a.bin"))).isEqualTo("/a.bin?slow");
            assertThat(Files.readString(out.resolve("a.1.bin"))).isEqualTo("/a.bin?fast");
        }
    }
}
