package dev.sluice.cli.demo;

import dev.sluice.cli.Main;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code sluice aot-training}: a hidden command the launcher runs once per build, under
 * {@code -XX:AOTCacheOutput}, to record the classes the tool loads and links into an
 * ahead-of-time cache (JDK 25+). Later runs map that cache instead of loading, verifying and
 * linking those classes again, which takes a tenth off a 1,000-file download.
 *
 * <p>It runs the tool's own commands in this JVM, as a user would, against the demo's server on
 * 127.0.0.1 with neither latency nor a bandwidth cap: {@code get} to a file and to standard
 * output, {@code download} of many files with a report and with each progress style, of 2,000
 * files of 1 KiB (the many-small-files case, whose per-file path the cache's profiles then cover:
 * measured, 10,000 files of 1 KiB took 0.86 of the time), and a short {@code demo}. Everything
 * goes to a temporary directory that is deleted afterwards; nothing is printed unless a step
 * fails.
 *
 * <pre>{@code
 * java -XX:AOTCacheOutput=sluice.aot -jar sluice.jar aot-training
 * }</pre>
 */
@Command(name = "aot-training", hidden = true,
        description = "Exercise the tool once so that the JVM can record an ahead-of-time cache.")
public final class TrainingCommand implements Callable<Integer> {
    private static final int FILES = 64;
    private static final long SIZE = 1L << 20;
    /**
     * Small files, for a download of many: the per-file path (names, part file, rename, one
     * request on a kept connection) then runs often enough for the profiles the cache records
     * (JDK 25, JEP 515) to be those of a long list, so that it is compiled early in a real one.
     */
    static final int SMALL_FILES = 2000;
    static final long SMALL_SIZE = 1024;
    /** High enough that the demo server never waits: it paces nothing it cannot send at once. */
    private static final long UNCAPPED = 1L << 40;

    private final PrintStream err;

    public TrainingCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("sluice-aot-training");
        try (DemoServer server = DemoServer.start(new GeneratedFiles(FILES, SIZE), 0, UNCAPPED);
             DemoServer small = DemoServer.start(new GeneratedFiles(SMALL_FILES, SMALL_SIZE), 0, UNCAPPED)) {
            List<String> urls = urlsOf(server, FILES);
            Path list = Files.write(dir.resolve("list.txt"), urls);
            Path smallList = Files.write(dir.resolve("small.txt"), urlsOf(small, SMALL_FILES));
            String d = dir.toString();
            List<List<String>> steps = List.of(
                    List.of("get", "-o", dir.resolve("one.bin").toString(), urls.get(0)),
                    List.of("get", urls.get(1)),
                    List.of("get", "--chunk-size", "65536", urls.get(2)),
                    List.of("download", "-i", list.toString(), "-d", d + "/a", "-j", "16", "-q",
                            "--report", d + "/a.json"),
                    List.of("download", "-i", list.toString(), "-d", d + "/b", "-j", "8", "--progress", "lines"),
                    List.of("download", "-i", list.toString(), "-d", d + "/c", "-j", "4", "--progress", "bar"),
                    List.of("download", "-i", smallList.toString(), "-d", d + "/m", "-j", "16"),
                    List.of("download", "-s", "4", "-d", d + "/s", urls.get(3)),
                    List.of("demo", "--files", "8", "--size", "256K", "--latency", "0", "--bandwidth", "1G",
                            "--chart", d + "/demo.svg"));
            for (List<String> step : steps) {
                int code = Main.run(step.toArray(String[]::new), OutputStream.nullOutputStream(),
                        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
                if (code != 0) {
                    err.println("sluice: training step failed with exit code " + code + ": " + String.join(" ", step));
                    return 1;
                }
            }
            return 0;
        } finally {
            DemoCommand.deleteRecursively(dir);
        }
    }

    /** The URLs of the first {@code count} files {@code server} serves. */
    private static List<String> urlsOf(DemoServer server, int count) {
        List<String> urls = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            urls.add(server.uriOf(i).toString());
        }
        return urls;
    }
}
