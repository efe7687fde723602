package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Ports;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@code get http://user:password@host/} sends Basic authentication and never prints the password. */
class GetUrlCredentialsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void theUrlsUserInformationIsSentAsBasicAuthentication() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("private"))))) {
            Cli.Result result = Cli.run("get", "http://alice:s3cr3t@127.0.0.1:" + server.port() + "/p");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdoutText()).isEqualTo("private");
            assertThat(server.awaitRequests(1, WAIT).getFirst().header("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("alice:s3cr3t".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aFailureNamesTheUrlWithoutThePassword() throws IOException {
        int port = Ports.closedPort();
        Cli.Result result = Cli.run("get", "http://alice:s3cr3t@127.0.0.1:" + port + "/p");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CONNECT);
        assertThat(result.stderr()).startsWith("sluice: http://alice:***@127.0.0.1:" + port + "/p: ")
                .doesNotContain("s3cr3t");
        assertThat(result.stderr().split("127\\.0\\.0\\.1:" + port, -1)).as("the URL once: %s", result.stderr())
                .hasSize(2);
        Cli.Result usage = Cli.run("get", "http://alice:s3cr3t@127.0.0.1:99999/p");
        assertThat(usage.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.stderr()).doesNotContain("s3cr3t");
    }
}
