package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Ports;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./sluice} launcher itself, run as users run it: it must pass the tool's exit code,
 * standard output and its one error line through untouched, and its start-up cache must be
 * recorded and used without a word on either stream.
 */
class LauncherIT {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path LAUNCHER = ROOT.resolve("sluice");
    private static final Path AOT = ROOT.resolve("sluice-cli/target/sluice.aot");
    /** The first run may record the cache: a training run of several seconds. */
    private static final long PROCESS_TIMEOUT_SECONDS = 180;

    @TempDir
    Path dir;

    @Test
    void passesTheExitCodeAndTheErrorLineThrough() throws Exception {
        String url = "http://127.0.0.1:" + Ports.closedPort() + "/x";

        ProcessRun run = launch(Map.of("SLUICE_CDS", "0"), "get", url);

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCodes.CONNECT);
        assertThat(run.stdoutText()).isEmpty();
        assertThat(run.stderr()).startsWith("sluice: " + url + ": ").endsWith("\n");
        assertThat(run.stderr().lines()).hasSize(1);
    }

    @Test
    void recordsTheStartUpCacheOnceQuietlyAndUsesIt() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the ahead-of-time cache needs JDK 25+");
        Files.deleteIfExists(AOT);
        Files.deleteIfExists(AOT.resolveSibling("sluice.aot.failed"));

        ProcessRun first = launch(Map.of(), "--version");

        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stdoutText()).startsWith("sluice ");
        assertThat(first.stderr()).isEmpty();
        assertThat(AOT).isRegularFile();

        ProcessRun second = launch(Map.of("SLUICE_JAVA_OPTS", "-Xlog:aot=info"), "--version");

        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(second.stdoutText()).contains("Opened AOT cache").contains("sluice ");
    }

    @Test
    void cOneOnlyForPlainHttpAndTheFullJitWhenTlsMayBeInPlay() throws Exception {
        // C1 alone decrypts TLS three times slower (the JDK's AES-GCM intrinsics are C2's).
        int port = Ports.closedPort();
        String flag = "TieredStopAtLevel";
        ProcessRun plain = launch(Map.of("SLUICE_CDS", "0", "SLUICE_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "get",
                "http://127.0.0.1:" + port + "/x");
        ProcessRun tls = launch(Map.of("SLUICE_CDS", "0", "SLUICE_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "get",
                "https://127.0.0.1:" + port + "/x");
        ProcessRun list = launch(Map.of("SLUICE_CDS", "0", "SLUICE_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "download",
                "-i", dir.resolve("missing.txt").toString());

        ProcessRun clustered = launch(Map.of("SLUICE_CDS", "0", "SLUICE_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "download",
                "-qi", dir.resolve("missing.txt").toString());

        assertThat(level(clustered, flag)).isEqualTo("4");
        assertThat(level(plain, flag)).isEqualTo("1");
        assertThat(level(tls, flag)).isEqualTo("4");
        assertThat(level(list, flag)).isEqualTo("4");
    }

    @Test
    void aListFileWithoutHttpsUrlsKeepsCOneOnly() throws Exception {
        // A long list of small plain downloads pays for C2's compiling and never gains from it.
        int port = Ports.closedPort();
        String flag = "TieredStopAtLevel";
        Path plainList = Files.writeString(dir.resolve("plain.txt"), "http://127.0.0.1:" + port + "/a\n");
        Path tlsList = Files.writeString(dir.resolve("tls.txt"),
                "http://127.0.0.1:" + port + "/a\nHTTPS://127.0.0.1:" + port + "/b\n");
        Map<String, String> env = Map.of("SLUICE_CDS", "0", "SLUICE_JAVA_OPTS", "-XX:+PrintFlagsFinal");
        Path out = dir.resolve("out");
        ProcessRun plain = launch(env, "download", "-q", "-d", out.toString(), "-i", plainList.toString());
        ProcessRun joined = launch(env, "download", "-q", "-d", out.toString(), "-i" + plainList);
        ProcessRun named = launch(env, "download", "-q", "-d", out.toString(), "--input-file=" + plainList);
        ProcessRun equals = launch(env, "download", "-q", "-d", out.toString(), "-i=" + plainList);
        ProcessRun tls = launch(env, "download", "-q", "-d", out.toString(), "-i", tlsList.toString());

        assertThat(level(plain, flag)).isEqualTo("1");
        assertThat(level(joined, flag)).isEqualTo("1");
        assertThat(level(named, flag)).isEqualTo("1");
        assertThat(level(equals, flag)).isEqualTo("1");
        assertThat(level(tls, flag)).isEqualTo("4");
    }

    /** The value of {@code flag} in a -XX:+PrintFlagsFinal listing (on stderr, as all the JVM's own output). */
    private static String level(ProcessRun run, String flag) {
        return run.stderr().lines().filter(l -> l.matches("\\s*intx\\s+" + flag + "\\s*=.*")).findFirst()
                .map(l -> l.replaceAll(".*=\\s*(\\d+).*", "$1")).orElseThrow(() -> new AssertionError(run.stderr()));
    }

    @Test
    void nonAsciiArgumentsArriveWholeUnderTheCLocale() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("ok"))))) {
            // cron, containers and CI often run with LC_ALL=C, whose character set is ASCII.
            ProcessRun run = launch(Map.of("SLUICE_CDS", "0", "LC_ALL", "C"), "get",
                    server.uri("/form").toString(), "-d", "caf\u00e9=\u00fc");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(server.awaitRequests(1, Duration.ofSeconds(30)).getFirst().body())
                    .isEqualTo("caf\u00e9=\u00fc".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aUtf8LocaleThatIsNamedButNotInstalledIsTreatedAsTheCLocale() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("ok"))))) {
            // Containers often name a locale they do not have; glibc then falls back to C.
            ProcessRun run = launch(Map.of("SLUICE_CDS", "0", "LC_ALL", "xx_NOWHERE.UTF-8"), "get",
                    server.uri("/form").toString(), "-d", "caf\u00e9");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(server.awaitRequests(1, Duration.ofSeconds(30)).getFirst().body())
                    .isEqualTo("caf\u00e9".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void dataFromStandardInputStartsWhereTheInputStandsAndAClosedInputIsEmpty() throws Exception {
        Path input = Files.writeString(dir.resolve("input.txt"), "first line\nthe rest\n");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("ok"))))) {
            String url = server.uri("/up").toString();
            // A script that read the first line itself hands the rest on, as with curl -d @-.
            ProcessRun rest = shell(Map.of("SLUICE_CDS", "0"), input,
                    "read -r line; exec \"$0\" get \"$1\" -d @-", url);
            // No standard input at all: an empty body, not whatever file the JVM opened first.
            ProcessRun closed = shell(Map.of("SLUICE_CDS", "0"), null, "exec \"$0\" get \"$1\" -d @- <&-", url);

            assertThat(rest.exitCode()).as(rest.stderr()).isZero();
            assertThat(closed.exitCode()).as(closed.stderr()).isZero();
            assertThat(server.awaitRequests(2, Duration.ofSeconds(30))).extracting(RecordedRequest::bodyText)
                    .containsExactly("the rest\n", "");
        }
    }

    @Test
    void aThreadDumpAskedForWithSigquitGoesToStderrNotIntoTheBody() throws Exception {
        Path stdout = dir.resolve("stdout");
        Path stderr = dir.resolve("stderr");
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 2000")).sendPattern(0, 1000).stallUntil("rest")
                .sendPattern(1000, 1000)))) {
            ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "get", server.uri("/body").toString())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().remove("SLUICE_DEBUG");
            pb.environment().remove("SLUICE_JAVA_OPTS");
            pb.environment().put("SLUICE_CDS", "0");
            pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
            Process process = pb.start();
            try {
                // The request has come: the launcher has become the JVM, whose handler prints a dump.
                server.awaitRequests(1, Duration.ofSeconds(PROCESS_TIMEOUT_SECONDS));
                Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).inheritIO().start();
                assertThat(kill.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                awaitText("JNI global refs", stdout, stderr);
                server.release("rest");

                assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("exited").isTrue();
                assertThat(process.exitValue()).as(Files.readString(stderr)).isZero();
                assertThat(Files.readAllBytes(stdout)).as("the body, exactly").isEqualTo(PatternBytes.bytes(0, 2000));
                assertThat(Files.readString(stderr)).contains("Full thread dump");
            } finally {
                process.destroyForcibly();
            }
        }
    }

    /** Waits until one of {@code files} (in {@link #dir}) holds {@code text}, watching the directory. */
    private void awaitText(String text, Path... files) throws Exception {
        try (WatchService watch = dir.getFileSystem().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROCESS_TIMEOUT_SECONDS);
            while (true) {
                for (Path file : files) {
                    if (Files.readString(file, StandardCharsets.ISO_8859_1).contains(text)) {
                        return;
                    }
                }
                long left = deadline - System.nanoTime();
                assertThat(left).as("'" + text + "' written in time").isPositive();
                WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    /** Runs {@code script} in bash with the launcher as $0 and {@code url} as $1. */
    private ProcessRun shell(Map<String, String> env, Path stdin, String script, String url) throws Exception {
        Map<String, String> withJdk = new HashMap<>(env);
        withJdk.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        return ProcessRun.of(List.of("bash", "-c", script, LAUNCHER.toString(), url), withJdk, stdin, dir,
                PROCESS_TIMEOUT_SECONDS);
    }

    private ProcessRun launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        assertThat(LAUNCHER).isExecutable();
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        Map<String, String> withJdk = new HashMap<>(env);
        withJdk.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        return ProcessRun.of(command, withJdk, null, dir, PROCESS_TIMEOUT_SECONDS);
    }
}
