package dev.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The launcher's training run: every step must succeed, quietly, and leave nothing behind. */
class TrainingCommandTest {
    @Test
    void runsEveryStepQuietlyAndDeletesItsFiles() throws IOException {
        List<Path> before = trainingDirectories();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = Main.run(new String[] {"aot-training"}, out, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        assertThat(out.size()).isZero();
        assertThat(trainingDirectories()).isEqualTo(before);
    }

    @Test
    void trainsADownloadOfManySmallFiles() {
        // The per-file path of a long list must run often in training for the cache's method
        // profiles to cover it (a few hundred files of 1 MiB did not: a 10,000-file download
        // took 14% longer than with this step).
        assertThat(TrainingCommand.SMALL_FILES).isGreaterThanOrEqualTo(1000);
        assertThat(TrainingCommand.SMALL_SIZE).isLessThanOrEqualTo(4096);
    }

    @Test
    void isNotListedInTheHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--help"}, out, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("download").doesNotContain("aot-training");
    }

    private static List<Path> trainingDirectories() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("sluice-aot-training")).sorted().toList();
        }
    }
}
