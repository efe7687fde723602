package dev.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs peer commands (curl, wrk, Python) as whole processes. */
final class Processes {
    private Processes() {
    }

    /** Wall seconds from start to exit; fails when the command fails. Output is thrown away. */
    static double timeSeconds(List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("sluice-bench", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile());
            long start = System.nanoTime();
            Process p = pb.start();
            int code = p.waitFor();
            long nanos = System.nanoTime() - start;
            if (code != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + code + ": "
                        + Files.readString(err).strip());
            }
            return nanos / 1e9;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** A finished process: its wall seconds (start to exit, timed from this JVM) and its stdout and stderr. */
    record Run(double seconds, String out) {
    }

    /**
     * Runs {@code command} with {@code env} added to this JVM's environment, stdout and stderr into
     * a temporary file (not a pipe, so that nothing this JVM does paces the process); fails when
     * it exits with other than 0.
     */
    static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("sluice-bench", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
            long nanos = System.nanoTime() - start;
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IOException(abbreviate(command) + " exited with " + p.exitValue() + ": " + text.strip());
            }
            return new Run(nanos / 1e9, text);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A command line for a message: a long list of URLs is cut short. */
    static String abbreviate(List<String> command) {
        String s = String.join(" ", command);
        return s.length() > 300 ? s.substring(0, 300) + " ... (" + command.size() + " arguments)" : s;
    }

    /** What the command prints on stdout and stderr together; fails when it fails. */
    static String output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + text.strip());
        }
        return text;
    }

    /**
     * What the command prints, whatever its exit status (wrk -v exits 1), or nothing when it
     * cannot run: for version strings.
     */
    static String outputOrEmpty(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(1, TimeUnit.MINUTES);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The java binary running this JVM, for child JVMs. */
    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
