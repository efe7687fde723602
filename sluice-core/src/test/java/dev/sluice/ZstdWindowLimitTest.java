package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A zstd body may need a window of at most 8 MiB (RFC 9659 §3): a frame that declares a larger
 * one is a {@link ProtocolViolationException}, not a decoder holding up to 128 MiB of native
 * memory (zstd-jni's default limit) for a body of a few kilobytes.
 */
class ZstdWindowLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Highly repetitive, so that a frame with a large window is still small on the wire. */
    private static final byte[] PLAIN = repetitive(4 << 20);

    private static byte[] repetitive(int length) {
        byte[] b = new byte[length];
        byte[] line = "the same line, again and again\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            b[i] = line[i % line.length];
        }
        return b;
    }

    /** A streamed frame (no content size) whose header declares a window of 2^windowLog bytes. */
    private static byte[] frame(int windowLog) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.setLong(windowLog);
            z.write(PLAIN);
        }
        return out.toByteArray();
    }

    private static byte[] fetch(byte[] body) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: zstd", "Content-Length: " + body.length)).send(body)));
             Client client = Client.builder().readTimeout(WAIT).build();
             Response r = client.send(Request.get(server.uri("/z")))) {
            assertThat(r.body().isDecoded()).isTrue();
            return r.body().bytes();
        }
    }

    @Test
    void aFrameNeedingAWindowOfMoreThanEightMebibytesIsAViolation() throws IOException {
        for (int windowLog : new int[] {24, 27}) {
            byte[] body = frame(windowLog);
            assertThat(body.length).as("small on the wire").isLessThan(64 * 1024);
            assertThatThrownBy(() -> fetch(body)).as("window log " + windowLog)
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("corrupt zstd body")
                    .hasMessageContaining("a window larger than the 8 MiB RFC 9659 allows");
        }
    }

    @Test
    void aFrameWithAnEightMebibyteWindowIsDecoded() throws IOException {
        byte[] decoded = fetch(frame(23));
        assertThat(decoded.length).isEqualTo(PLAIN.length);
        assertThat(Arrays.equals(decoded, PLAIN)).isTrue();
    }
}
