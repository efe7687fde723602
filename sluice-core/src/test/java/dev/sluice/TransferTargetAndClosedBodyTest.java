package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The words of two local failures: a body streamed to a file whose directory is missing names
 * that file, not the temporary one beside it; a body read after {@code close()}
 * drained it says it was closed, not that it was closed before its end.
 */
class TransferTargetAndClosedBodyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private ScriptedServer server;
    private Client client;

    @BeforeEach
    void start() throws IOException {
        server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("hello"))));
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void aTransferIntoAMissingDirectoryNamesTheTargetNotItsTemporaryFile() throws Exception {
        Path target = dir.resolve("missing/out.bin");
        try (Response r = client.send(Request.get(server.uri("/sync")))) {
            assertThatThrownBy(() -> r.body().transferTo(target)).isInstanceOf(NoSuchFileException.class)
                    .satisfies(e -> assertThat(((NoSuchFileException) e).getFile()).isEqualTo(target.toString()))
                    .hasMessageNotContaining(".part");
        }
        Path relative = Path.of("target", "no-such-directory-" + ProcessHandle.current().pid(), "out.bin");
        assertThat(client.sendAsync(Request.get(server.uri("/async"))).thenCompose(r -> r.body().async().transferTo(relative)))
                .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(NoSuchFileException.class)
                .withMessageContaining(relative.toString())
                .withMessageNotContaining(".part");
        assertThat(client.poolState()).contains("leased=0");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aBodyReadAfterCloseDrainedItSaysItWasClosedNotCutShort() throws Exception {
        Response r = client.send(Request.get(server.uri("/drained")));
        r.close(); // the five bytes were all there: drained, the connection kept
        assertThat(client.poolState()).contains("leased=0", "idle=1");
        assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(IOException.class)
                .hasMessageContaining(server.uri("/drained").toString())
                .hasMessageContaining("the body was closed")
                .hasMessageNotContaining("before it was read to its end");
    }
}
