package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import dev.sluice.download.DownloadJob;
import dev.sluice.download.Downloader;
import dev.sluice.download.Report;
import dev.sluice.download.RetryPolicy;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A complete br body whose data is corrupt, cut, followed by other bytes or by a second stream
 * is a {@link ProtocolViolationException} naming br, as for gzip, deflate and zstd. brotli4j
 * closes its source when it fails; that close is the decoder's, not the caller's, and must not
 * turn the failure into a {@code BodyClosedException}.
 */
class CorruptBrotliBodyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static byte[] compressed;

    @TempDir
    Path dir;

    @BeforeAll
    static void compress() throws IOException {
        Brotli4jLoader.ensureAvailability();
        compressed = Encoder.compress(TruncatedAndGarbledResponseTest.text(50_000).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] corruptInTheMiddle() {
        byte[] b = compressed.clone();
        for (int i = b.length / 3; i < b.length / 3 + 16; i++) {
            b[i] ^= 0x5a;
        }
        return b;
    }

    static Stream<Arguments> bodies() {
        return Stream.of(
                Arguments.of("junk after the stream", concat(compressed, "GARBAGE".getBytes(StandardCharsets.US_ASCII))),
                Arguments.of("cut inside the stream", Arrays.copyOf(compressed, compressed.length - 100)),
                Arguments.of("two streams joined", concat(compressed, compressed)),
                Arguments.of("corrupt in the middle", corruptInTheMiddle()),
                Arguments.of("junk only", "not brotli at all, just text".getBytes(StandardCharsets.US_ASCII)));
    }

    /** A whole response with {@code body} as its br body. */
    private static byte[] wire(byte[] body) {
        return concat(Responses.head(200, "Content-Encoding: br", "Content-Length: " + body.length)
                .getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private static ScriptedServer serve(byte[] body) throws IOException {
        return ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: br", "Content-Length: " + body.length))
                .send(body).awaitClientClose()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void aCompleteButCorruptBrBodyIsAViolationInEveryReadForm(String what, byte[] body) throws IOException {
        for (ReadForm form : ReadForm.values()) {
            try (var server = serve(body);
                 Client client = Client.builder().readTimeout(WAIT).build();
                 Response r = client.send(Request.get(server.uri("/br")))) {
                assertThat(r.body().isDecoded()).isTrue();
                Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class, () -> form.readAll(r.body(), dir));
                assertThat(t).as(form + ": " + what).isInstanceOf(ProtocolViolationException.class)
                        .hasMessageContaining(server.uri("/br").toString())
                        .hasMessageMatching("(?s).*(corrupt br body|end of its br data).*");
            }
        }
    }

    @Test
    void theAsyncFormsFailAsTheSyncOnesDo() throws Exception {
        byte[] body = concat(compressed, "GARBAGE".getBytes(StandardCharsets.US_ASCII));
        try (var server = serve(body); Client client = Client.builder().readTimeout(WAIT).build()) {
            Response r = client.sendAsync(Request.get(server.uri("/async"))).get();
            assertThat(r.body().async().bytes()).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(ProtocolViolationException.class)
                    .withMessageContaining("br");
            r.close();
        }
    }

    @Test
    void aDownloadOfACorruptBrBodyFailsAsAProtocolViolationAndIsRetried() throws Exception {
        byte[] body = Arrays.copyOf(compressed, compressed.length - 100);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, w) -> w.send(wire(body))));
             Client client = Client.builder().readTimeout(WAIT).build()) {
            // No backoff to wait: the retries go at once.
            Report report = Downloader.builder(client).directory(dir)
                    .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO, () -> 0))
                    .build().run(List.of(DownloadJob.of(server.uri("/file.txt"))));
            Report.Item item = report.items().getFirst();
            assertThat(item.ok()).isFalse();
            assertThat(item.error().kind()).as(item.error().message()).isEqualTo("protocol");
            assertThat(item.attempts()).isEqualTo(3);
        }
    }

    @Test
    void aWellFormedBrBodyStillDecodesAndTheConnectionIsReused() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, w) -> w.send(wire(compressed))));
             Client client = Client.builder().readTimeout(WAIT).build()) {
            for (int i = 0; i < 2; i++) {
                try (Response r = client.send(Request.get(server.uri("/ok")))) {
                    assertThat(r.body().text()).isEqualTo(TruncatedAndGarbledResponseTest.text(50_000));
                }
            }
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }
}
