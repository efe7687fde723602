package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command-line tool as users run it: {@code ./sluice}, the launcher script, which finds a JDK
 * and runs {@code java -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=... -jar sluice.jar}.
 *
 * <p>{@code scripts/bench} copies the launcher, {@code scripts/find-jdk.sh} and the jar into a
 * directory of their own (bench-work/cli) and this class runs that copy: the launcher rebuilds
 * the jar when a source file is newer than it, and a copy without sources never does, so an edit
 * of the tree during a run cannot put a Maven build inside a timing. Its class-data-sharing
 * archive is made beside the copied jar on the first (untimed) run.
 */
final class Cli {
    private static final Pattern TOTAL_SECONDS = Pattern.compile("\"totalSeconds\":([0-9.]+)");
    private static final Pattern TOTAL_BYTES = Pattern.compile("\"totalBytes\":([0-9]+)");

    private final Path root;

    Cli(Path root) {
        this.root = root;
    }

    Path launcher() {
        return root.resolve("sluice");
    }

    Path jar() {
        return root.resolve("sluice-cli/target/sluice.jar");
    }

    Path archive() {
        return root.resolve("sluice-cli/target/sluice-cds.jsa");
    }

    /** The ahead-of-time cache the launcher records on JDK 25+. */
    Path aotCache() {
        return root.resolve("sluice-cli/target/sluice.aot");
    }

    /** The environment of every launch: JAVA_HOME is this JVM's, so the launcher picks the same JDK. */
    static Map<String, String> env() {
        return Map.of("JAVA_HOME", System.getProperty("java.home"));
    }

    /**
     * One {@code sluice download} with {@code --report}: the whole process's wall seconds (timed
     * from this JVM) and the report's {@code totalSeconds} (timed by sluice itself, from its
     * first request to its last file).
     */
    record Download(double wall, double totalSeconds, long totalBytes) {
    }

    Download download(List<String> args, Path report) throws IOException, InterruptedException {
        Files.deleteIfExists(report);
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.add("download");
        cmd.addAll(args);
        cmd.addAll(List.of("--report", report.toString(), "--progress=none", "-q"));
        Processes.Run run = Processes.run(cmd, env());
        String json = Files.readString(report);
        Matcher s = TOTAL_SECONDS.matcher(json);
        Matcher b = TOTAL_BYTES.matcher(json);
        if (!s.find() || !b.find() || json.contains("\"ok\":false")) {
            throw new IOException("sluice download: unexpected report: "
                    + (json.length() > 500 ? json.substring(0, 500) + "..." : json));
        }
        Files.delete(report);
        return new Download(run.seconds(), Double.parseDouble(s.group(1)), Long.parseLong(b.group(1)));
    }

    /** The command line of a download as the report shows it. */
    static String shown(String args) {
        return "./sluice download " + args + " --report R.json --progress=none -q";
    }
}
