package dev.sluice;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What the byte offset in a truncation's message counts, said, beside the body count. */
class TruncationOffsetMessageTest {

    @Test
    void aTruncationSaysWhatItsByteOffsetCounts() throws IOException {
        String head = Responses.head(200, "Content-Length: 10");
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send(head + "short").close()));
             Client client = Client.newClient();
             Response r = client.send(Request.get(server.uri("/cut")))) {
            assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(ProtocolViolationException.class)
                    .hasMessageEndingWith("body ended after 5 of 10 bytes (Content-Length) (at byte "
                            + (head.length() + 5) + " of the response, head included)");
        }
    }
}
