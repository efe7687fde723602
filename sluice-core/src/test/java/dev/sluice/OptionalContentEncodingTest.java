package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** br and zstd, decoded through brotli4j and zstd-jni when they are on the class path (as here). */
class OptionalContentEncodingTest {
    private static final byte[] PLAIN = PatternBytes.bytes(0, 300_000);

    private static byte[] response(String coding, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Responses.head(200, "Content-Encoding: " + coding, "Content-Length: " + body.length)
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] fetch(byte[] wire) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(wire)));
             Client client = Client.newClient();
             Response r = client.send(Request.get(server.uri("/x")))) {
            assertThat(server.requests().get(0).header("Accept-Encoding")).isEqualTo("gzip, deflate, br, zstd");
            return r.body().bytes();
        }
    }

    @Test
    void brotliBodiesAreDecodedWhileStreaming() throws IOException {
        Brotli4jLoader.ensureAvailability();
        byte[] compressed = Encoder.compress(PLAIN);
        assertThat(fetch(response("br", compressed))).isEqualTo(PLAIN);
    }

    @Test
    void zstdBodiesAreDecodedWhileStreaming() throws IOException {
        assertThat(fetch(response("zstd", Zstd.compress(PLAIN)))).isEqualTo(PLAIN);
    }

    @Test
    void aCutZstdBodyIsAProtocolViolation() {
        byte[] compressed = Zstd.compress(PLAIN);
        byte[] cut = Arrays.copyOf(compressed, compressed.length / 2);
        assertThatThrownBy(() -> fetch(response("zstd", cut)))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("zstd");
    }
}
