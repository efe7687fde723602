package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.Ports;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** The value of {@code flag} in a -XX:+PrintFlagsFinal listing. */
    private static String level(ProcessRun run, String flag) {
        return run.stdoutText().lines().filter(l -> l.matches("\\s*intx\\s+" + flag + "\\s*=.*")).findFirst()
                .map(l -> l.replaceAll(".*=\\s*(\\d+).*", "$1")).orElseThrow(() -> new AssertionError(run.stdoutText()));
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
