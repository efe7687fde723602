package dev.sluice.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command run to its end as a process of its own, as users run the tool: what reached its
 * standard output (bytes exactly) and standard error, and its exit code.
 */
record ProcessRun(int exitCode, byte[] stdout, String stderr) {
    String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code command} with its output and error in files under {@code dir}, reading
     * {@code stdin} ({@code /dev/null} when null). The environment is this JVM's without the
     * tool's own settings ({@code SLUICE_DEBUG}, {@code SLUICE_JAVA_OPTS}), plus {@code env}.
     * A command still running after {@code timeoutSeconds} is killed and fails the test.
     */
    static ProcessRun of(List<String> command, Map<String, String> env, Path stdin, Path dir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from((stdin != null ? stdin : Path.of("/dev/null")).toFile()));
        pb.environment().remove("SLUICE_DEBUG");
        pb.environment().remove("SLUICE_JAVA_OPTS");
        pb.environment().putAll(env);
        Process process = pb.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end in " + timeoutSeconds + " s");
        }
        return new ProcessRun(process.exitValue(), Files.readAllBytes(out), Files.readString(err));
    }
}
