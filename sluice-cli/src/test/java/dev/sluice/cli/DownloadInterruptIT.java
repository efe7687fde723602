package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Listing;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
            out.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
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
                    .contains("\"error\":{\"kind\":\"io\",\"message\":\"interrupted before it finished\"}")
                    .contains("\"totalBytes\":" + (4 + held) + ",");
            assertThat(Listing.filesIn(dir).stream().filter(n -> n.endsWith(".tmp"))).isEmpty();
            assertThat(Listing.filesIn(out)).containsExactly("big.bin.part", "done.txt");
            assertThat(Files.readString(dir.resolve("stderr"))).isEqualTo("sluice: interrupted: 1 of 2 files did not finish"
                    + " (run again with -c to resume what their NAME.part files hold)\n");
        }
    }

    private static void awaitFile(WatchService watch, String name) throws InterruptedException {
        while (true) {
            var key = watch.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(key).as(name + " appears").isNotNull();
            for (var event : key.pollEvents()) {
                if (event.context().toString().equals(name)) {
                    return;
                }
            }
            key.reset();
        }
    }
}
