package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body that ends with the close of a TLS connection is whole only after the server's
 * close_notify (RFC 9112 §9.8): without one, {@code get} exits 6 and leaves no file.
 */
class GetTlsCloseNotifyTest {
    private static final TestCertificates CERTS = TestCertificates.shared();
    private static final String CLOSE_DELIMITED = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello, partial";

    @TempDir
    Path dir;

    @Test
    void aCloseDelimitedBodyCutWithoutCloseNotifyExitsSixAndLeavesNoFile() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c.expectRequest()
                .send(CLOSE_DELIMITED).closeWithoutCloseNotify()))) {
            Path out = dir.resolve("t");
            Cli.Result result = Cli.run("get", server.uri("/cut").toString(), "--insecure", "-o", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.PROTOCOL);
            assertThat(result.stderrLines()).singleElement().asString()
                    .startsWith("sluice: " + server.uri("/cut") + ": ").contains("close_notify");
            try (var files = Files.list(dir)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aCloseDelimitedBodyEndedWithCloseNotifyIsSaved() throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryConnection(c -> c.expectRequest()
                .send(CLOSE_DELIMITED).close()))) {
            Path out = dir.resolve("t");
            Cli.Result result = Cli.run("get", server.uri("/whole").toString(), "--insecure", "-o", out.toString());

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(out).hasContent("hello, partial");
        }
    }
}
