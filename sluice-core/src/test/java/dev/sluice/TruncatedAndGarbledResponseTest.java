package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.Script;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A body cut short or garbled is a {@link ProtocolViolationException} through every read form,
 * never a short success; {@code transferTo(Path)} leaves neither the file nor a temporary one.
 */
class TruncatedAndGarbledResponseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private void assertBodyFailsTyped(Consumer<Script> script, ReadForm form) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(script))) {
            try (Response r = client.send(Request.get(server.uri("/body")))) {
                assertThat(r.status()).isEqualTo(200);
                assertThatThrownBy(() -> form.readAll(r.body(), dir))
                        .isInstanceOf(ProtocolViolationException.class)
                        .hasMessageContaining(server.uri("/body").toString());
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("nothing may be left at the target path, nor a temporary file").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void contentLengthNotReachedBeforeCloseIsAViolation(ReadForm form) throws IOException {
        assertBodyFailsTyped(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(4000).close(), form);
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void chunkedStreamCutMidChunkIsAViolation(ReadForm form) throws IOException {
        assertBodyFailsTyped(c -> c.expectRequest()
                .send(Responses.head(200, "Transfer-Encoding: chunked") + "5\r\nhello\r\n100\r\nonly-part").close(), form);
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void chunkedStreamEndingAfterACompleteChunkWithoutTheLastChunkIsAViolation(ReadForm form) throws IOException {
        assertBodyFailsTyped(c -> c.expectRequest()
                .send(Responses.head(200, "Transfer-Encoding: chunked") + "5\r\nhello\r\n").close(), form);
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void connectionResetMidBodyIsAViolation(ReadForm form) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 1000000")).sendPattern(3000)
                .stallUntil("cut").reset()))) {
            try (Response r = client.send(Request.get(server.uri("/reset")))) {
                server.release("cut");
                assertThatThrownBy(() -> form.readAll(r.body(), dir)).isInstanceOf(ProtocolViolationException.class);
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void invalidChunkSizeIsAViolation(ReadForm form) throws IOException {
        assertBodyFailsTyped(c -> c.expectRequest()
                .send(Responses.head(200, "Transfer-Encoding: chunked") + "5\r\nhello\r\nzz\r\nnope\r\n0\r\n\r\n")
                .awaitClientClose(), form);
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void corruptGzipBodyIsAViolation(ReadForm form) throws IOException {
        byte[] gz = Gzip.of(text(200_000));
        // Keep the gzip header intact and ruin the deflate stream behind it.
        for (int i = 40; i < gz.length - 20; i += 97) {
            gz[i] ^= (byte) 0x5a;
        }
        assertBodyFailsTyped(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + gz.length))
                .send(gz).awaitClientClose(), form);
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void gzipCutShortInsideCompleteHttpFramingIsAViolation(ReadForm form) throws IOException {
        byte[] whole = Gzip.of(text(200_000));
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        assertBodyFailsTyped(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + half.length))
                .send(half).awaitClientClose(), form);
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void gzipWithoutItsTrailerIsAViolation(ReadForm form) throws IOException {
        byte[] whole = Gzip.of(text(5_000));
        byte[] noTrailer = Arrays.copyOf(whole, whole.length - 8);
        assertBodyFailsTyped(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + noTrailer.length))
                .send(noTrailer).awaitClientClose(), form);
    }

    @Test
    void garbageStatusLineIsAViolationFromSend() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send("HTCPCP/1.0 418 I'm a teapot\r\n\r\n").awaitClientClose()))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/garbage"))))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining(server.uri("/garbage").toString());
            server.awaitClientClose(0, WAIT);
        }
    }

    @Test
    void binaryNoiseInsteadOfAResponseIsAViolation() throws IOException {
        byte[] noise = new byte[512];
        new java.util.Random(7).nextBytes(noise);
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().send(noise).close()))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/noise"))))
                    .isInstanceOf(ProtocolViolationException.class);
        }
    }

    @Test
    void closeBeforeAnyResponseByteIsAViolationOnAFreshConnection() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().close()))) {
            assertThatThrownBy(() -> client.send(Request.get(server.uri("/silent-close"))))
                    .isInstanceOf(ProtocolViolationException.class);
            assertThat(server.connectionCount()).as("a fresh connection is not retried").isEqualTo(1);
        }
    }

    @Test
    void truncatedBodyViaBytesAndTextIsAViolation() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 50") + "short").close()))) {
            try (Response r = client.send(Request.get(server.uri("/a")))) {
                assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(ProtocolViolationException.class);
            }
            try (Response r = client.send(Request.get(server.uri("/b")))) {
                assertThatThrownBy(() -> r.body().text()).isInstanceOf(ProtocolViolationException.class);
            }
        }
    }

    @Test
    void truncatedBodyViaTransferToOutputStreamIsAViolation() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 50") + "short").close()))) {
            try (Response r = client.send(Request.get(server.uri("/a")))) {
                assertThatThrownBy(() -> r.body().transferTo(new ByteArrayOutputStream()))
                        .isInstanceOf(ProtocolViolationException.class);
            }
        }
    }

    @Test
    void truncatedBodyViaLinesIsAViolationWrappedUnchecked() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 50") + "one\ntwo\n").close()))) {
            try (Response r = client.send(Request.get(server.uri("/a")));
                 Stream<String> lines = r.body().lines()) {
                assertThatThrownBy(lines::toList)
                        .isInstanceOf(java.io.UncheckedIOException.class)
                        .hasCauseInstanceOf(ProtocolViolationException.class);
            }
        }
    }

    @Test
    void failedTransferToPathKeepsAnExistingFileUntouched() throws IOException {
        Path target = Files.writeString(dir.resolve("keep.txt"), "previous");
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 50") + "short").close()))) {
            try (Response r = client.send(Request.get(server.uri("/a")))) {
                assertThatThrownBy(() -> r.body().transferTo(target)).isInstanceOf(ProtocolViolationException.class);
            }
        }
        assertThat(target).hasContent("previous");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactly(target);
        }
    }

    static String text(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; b.length() < length; i++) {
            b.append("line ").append(i).append(" of a compressible body\n");
        }
        return b.substring(0, length);
    }

}
