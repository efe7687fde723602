package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.FullBacklog;
import dev.sluice.testkit.Ports;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What a refusing, silent, slow or hostile server turns into: exit 4, 5 or 6 and one clean line. */
class GetNetworkFailureTest {

    @Test
    void aRefusedConnectionExitsWith4() {
        String url = "http://127.0.0.1:" + Ports.closedPort() + "/x";

        Cli.Result result = Cli.run("get", url);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.CONNECT);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: " + url + ": ")
                .contains("could not connect");
    }

    @Test
    void aConnectThatHangsHitsTheConnectTimeout() throws IOException {
        try (var backlog = new FullBacklog()) {
            assumeTrue(backlog.isFull(), "this kernel refuses instead of ignoring a connect to a full queue");
            Cli.Result result = Cli.run("get", backlog.uri("/hang").toString(), "--connect-timeout", "0.3");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + backlog.uri("/hang") + ": ").contains("0.3 s");
        }
    }

    @Test
    void aServerThatNeverAnswersHitsTheReadTimeout() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().stallUntil("never")))) {
            Cli.Result result = Cli.run("get", server.uri("/silent").toString(), "--read-timeout", "0.5");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + server.uri("/silent") + ": ").contains("0.5 s");
        }
    }

    @Test
    void aBodyThatStopsMidwayHitsTheReadTimeout() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100")).send("first part").stallUntil("never")))) {
            Cli.Result result = Cli.run("get", server.uri("/stall").toString(), "--read-timeout", "0.3");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(result.stdoutText()).isEqualTo("first part");
        }
    }

    @Test
    void aTotalTimeoutEndsAnExchangeThatKeepsTrickling() throws IOException {
        // 10 bytes a second: every read is within the read timeout, the whole is not.
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000")).throttle(10).sendPattern(1000)))) {
            Cli.Result result = Cli.run("get", server.uri("/slow").toString(), "--timeout", "0.6", "--read-timeout", "5");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(result.stderrLines()).singleElement().asString().contains("0.6 s");
        }
    }

    @Test
    void garbageInsteadOfAResponseIsAProtocolError() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send("SSH-2.0-OpenSSH_9.6\r\n\r\n").close()))) {
            Cli.Result result = Cli.run("get", server.uri("/g").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: " + server.uri("/g") + ": ");
        }
    }

    @Test
    void aConnectionClosedBeforeAnyResponseIsAProtocolError() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().close()))) {
            Cli.Result result = Cli.run("get", server.uri("/closed").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
        }
    }

    @Test
    void aConnectionResetMidBodyIsAProtocolError() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(5000).reset()))) {
            Cli.Result result = Cli.run("get", server.uri("/reset").toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
        }
    }

    @Test
    void controlCharactersFromTheServerNeverReachTheTerminal() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send("HTTP/1.1 404 Not\u001b[2J\u001b]0;pwned\u0007Found\r\nContent-Length: 0\r\n\r\n")))) {
            Cli.Result result = Cli.run("get", server.uri("/esc").toString());

            assertThat(result.exitCode()).as(result.toString()).isIn(ExitCodes.HTTP_STATUS, ExitCodes.PROTOCOL);
            assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: " + server.uri("/esc"));
            assertThat(result.stderr().chars().filter(ch -> ch < 0x20 && ch != '\n')).isEmpty();
        }
    }

    @Test
    void stackTracesStayHiddenWithoutDebug() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send("garbage").close()))) {
            Cli.Result result = Cli.run("get", server.uri("/").toString());

            assertThat(result.stderr()).doesNotContain("\tat ");
            assertThat(result.stderrLines()).hasSize(1);
        }
    }
}
