package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.Script;
import dev.sluice.testkit.ScriptedServer;
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
 * Where a compressed body ends: the decoder's end is not the body's. A body cut or stalled
 * right after a complete gzip member is a failure (the JDK's gzip stream, looking for another
 * member, swallows the cut and reports a clean end), a member that arrives late is still
 * decoded, bytes after the compressed data are corrupt data (see also {@link CompressedDataEndTest}),
 * and an empty body is empty whatever its Content-Encoding says.
 */
class CompressedBodyEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String FIRST = TruncatedAndGarbledResponseTest.text(20_000);
    private static final String SECOND = "second member\n".repeat(500);

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

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private <E extends Throwable> void assertBodyFails(Consumer<Script> script, ReadForm form, Class<E> type)
            throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(script))) {
            try (Response r = client.send(Request.get(server.uri("/gz")))) {
                assertThatThrownBy(() -> form.readAll(r.body(), dir))
                        .isInstanceOf(type)
                        .hasMessageContaining(server.uri("/gz").toString());
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("nothing at the target path, nor a temporary file").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void aContentLengthBodyCutAfterACompleteMemberIsAViolation(ReadForm form) throws IOException {
        byte[] first = Gzip.of(FIRST);
        byte[] both = concat(first, Gzip.of(SECOND));
        assertBodyFails(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + both.length))
                .send(first).close(), form, ProtocolViolationException.class);
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void aChunkedBodyCutAfterACompleteMemberIsAViolation(ReadForm form) throws IOException {
        byte[] first = Gzip.of(FIRST);
        assertBodyFails(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Transfer-Encoding: chunked"))
                .send(Integer.toHexString(first.length) + "\r\n").send(first).send("\r\n").close(),
                form, ProtocolViolationException.class);
    }

    @Test
    void aBodyThatStallsAfterACompleteMemberTimesOut() throws IOException {
        byte[] first = Gzip.of(FIRST);
        try (Client quick = Client.builder().readTimeout(Duration.ofMillis(300)).build();
             var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                     .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + (first.length + 100)))
                     .send(first).stallUntil("never").close()))) {
            try (Response r = quick.send(Request.get(server.uri("/stall")))) {
                assertThatThrownBy(() -> r.body().text())
                        .isInstanceOf(ReadTimeoutException.class)
                        .hasMessageContaining(server.uri("/stall").toString());
            }
            server.release("never");
        }
    }

    @Test
    void aSecondMemberThatArrivesLateIsDecoded() throws Exception {
        byte[] first = Gzip.of(FIRST);
        byte[] second = Gzip.of(SECOND);
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + (first.length + second.length)))
                .send(first).stallUntil("second").send(second).awaitClientClose()));
             Response r = client.send(Request.get(server.uri("/late")));
             var in = r.body().stream()) {
            assertThat(new String(in.readNBytes(FIRST.length()))).isEqualTo(FIRST);
            // The next read looks for another member, which the server sends only now.
            server.release("second");
            assertThat(new String(in.readAllBytes())).isEqualTo(SECOND);
        }
    }

    @Test
    void aFewBytesAfterTheCompressedDataAreCorruptDataYetTheConnectionIsReused() throws IOException {
        byte[] body = concat(Gzip.of(FIRST), "not gzip at all".getBytes());
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + body.length)).send(body)))) {
            for (int i = 0; i < 2; i++) {
                try (Response r = client.send(Request.get(server.uri("/garbage-after")))) {
                    assertThatThrownBy(() -> r.body().text()).isInstanceOf(ProtocolViolationException.class)
                            .hasMessageContaining("bytes follow the end of its gzip data");
                }
            }
            // The framing was sound and the body read to its end: the connection stays in step.
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex).containsExactly(0, 0);
        }
    }

    @Test
    void manyBytesAfterTheCompressedDataFailAtOnceAtTheCostOfTheConnection() throws IOException {
        byte[] body = concat(Gzip.of(FIRST), new byte[4 << 20]);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + body.length)).send(body)))) {
            for (int i = 0; i < 2; i++) {
                try (Response r = client.send(Request.get(server.uri("/much-after")))) {
                    assertThatThrownBy(() -> r.body().text()).isInstanceOf(ProtocolViolationException.class)
                            .hasMessageContaining("bytes follow the end of its gzip data");
                }
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex).containsExactly(0, 1);
        }
    }

    @Test
    void aTrickleAfterTheCompressedDataFailsWithoutHoldingTheCaller() throws IOException {
        byte[] first = Gzip.of(FIRST);
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Transfer-Encoding: chunked"))
                .send(Integer.toHexString(first.length + 1000) + "\r\n").send(first)
                .throttle(20).send("x".repeat(1000)).stallUntil("never").close()))) {
            try (Response r = client.send(Request.get(server.uri("/trickle")))) {
                // The first byte after the data is enough: the trickle (50 s of it) is not waited for.
                assertThatThrownBy(() -> r.body().text()).isInstanceOf(ProtocolViolationException.class)
                        .hasMessageContaining("bytes follow the end of its gzip data");
            }
            server.release("never");
        }
    }

    @Test
    void aDeflateBodyCutAfterItsCompressedDataIsAViolation() throws IOException {
        byte[] deflated = ContentEncodingTest.deflate(FIRST, false);
        assertBodyFails(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: deflate", "Content-Length: " + (deflated.length + 50)))
                .send(deflated).close(), ReadForm.STREAM, ProtocolViolationException.class);
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void anEmptyChunkedOrCloseDelimitedBodyWithAContentEncodingIsEmpty(ReadForm form) throws IOException {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest()
                        .send(Responses.head(200, "Content-Encoding: gzip", "Transfer-Encoding: chunked") + "0\r\n\r\n")
                        .expectRequest()
                        .send(Responses.head(200, "Content-Encoding: deflate", "Connection: close")).close()))) {
            try (Response r = client.send(Request.get(server.uri("/empty-chunked")))) {
                assertThat(form.readAll(r.body(), dir)).isZero();
            }
            try (Response r = client.send(Request.get(server.uri("/empty-until-close")))) {
                assertThat(form.readAll(r.body(), Files.createTempDirectory(dir, "second"))).isZero();
            }
        }
    }
}
