package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice demo} as the command line wires it up, beside the other commands. */
class DemoCommandLineTest {
    @TempDir
    Path dir;

    @Test
    void versionIsTheSameLineAsTheOtherCommands() {
        Cli.Result get = Cli.run("get", "-V");
        for (String option : new String[] {"-V", "--version"}) {
            Cli.Result demo = Cli.run("demo", option);

            assertThat(demo.exitCode()).isZero();
            assertThat(demo.stdoutText()).matches("sluice \\d+\\.\\d+\\.\\d+.*\n").isEqualTo(get.stdoutText());
        }
    }

    @Test
    void aStandardOutputThatCannotBeWrittenIsExitCode8() {
        // As main wires it: the raw descriptor, which fails as /dev/full does.
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path chart = dir.resolve("chart.svg");

        int code = Main.run(new String[] {"demo", "--files", "1", "--size", "1K", "--latency", "0",
            "--chart", chart.toString()}, full, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("sluice: demo: cannot write to standard output: No space left on device" + System.lineSeparator());
        assertThat(Files.exists(chart)).isFalse();
    }
}
