package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole-body futures of {@link AsyncBody} take a cap, as the synchronous forms do. */
class AsyncWholeBodyCapTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void theWholeBodyFuturesTakeACap() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("hello"))))) {
            assertThat(client.sendAsync(Request.get(server.uri("/a"))).thenCompose(r -> r.body().async().bytes(5)))
                    .succeedsWithin(WAIT).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(client.sendAsync(Request.get(server.uri("/b"))).thenCompose(r -> r.body().async().text(5)))
                    .succeedsWithin(WAIT).isEqualTo("hello");
            assertThat(client.sendAsync(Request.get(server.uri("/c"))).thenCompose(r -> r.body().async().bytes(4)))
                    .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(IllegalStateException.class).withMessageContaining("larger than 4 bytes");
            assertThat(client.sendAsync(Request.get(server.uri("/d"))).thenCompose(r -> r.body().async().text(4)))
                    .failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(IllegalStateException.class).withMessageContaining("larger than 4 bytes");
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void aNegativeCapFailsOnTheCallersThreadAndTakesNothing() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("hello"))));
             Response r = client.send(Request.get(server.uri("/a")))) {
            assertThatThrownBy(() -> r.body().async().bytes(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> r.body().async().text(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(r.body().text()).isEqualTo("hello");
        }
    }
}
