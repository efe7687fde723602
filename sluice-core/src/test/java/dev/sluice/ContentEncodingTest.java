package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** gzip and deflate (zlib-wrapped and raw) are undone while streaming, unless {@code decompress(false)}. */
class ContentEncodingTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TEXT = TruncatedAndGarbledResponseTest.text(300_000);

    private static ScriptedServer serving(byte[] body, String... headers) throws IOException {
        String[] lines = new String[headers.length + 1];
        System.arraycopy(headers, 0, lines, 0, headers.length);
        lines[headers.length] = "Content-Length: " + body.length;
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.head(200, lines)).send(body)));
    }

    static byte[] deflate(String text, boolean raw) throws IOException {
        var out = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        try (var d = new DeflaterOutputStream(out, deflater)) {
            d.write(text.getBytes(StandardCharsets.UTF_8));
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    @Test
    void gzipIsDecodedAndAcceptEncodingAdvertisesIt() throws IOException {
        byte[] gz = Gzip.of(TEXT);
        try (var server = serving(gz, "Content-Encoding: gzip", "Content-Type: text/plain; charset=utf-8");
             Client client = Client.newClient()) {
            try (Response r = client.send(Request.get(server.uri("/gz")))) {
                assertThat(r.body().isDecoded()).isTrue();
                assertThat(r.body().contentLength()).as("the wire length is not the decoded length").isEmpty();
                assertThat(r.body().text()).isEqualTo(TEXT);
            }
            RecordedRequest req = server.awaitRequests(1, WAIT).getFirst();
            assertThat(req.header("Accept-Encoding")).contains("gzip").contains("deflate");
            // The decoded body was read to its end, so the connection is reused.
            try (Response r = client.send(Request.get(server.uri("/again")))) {
                assertThat(r.body().text()).isEqualTo(TEXT);
            }
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::connectionIndex).containsExactly(0, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void deflateIsDecodedWhetherZlibWrappedOrRaw(boolean raw) throws IOException {
        try (var server = serving(deflate(TEXT, raw), "Content-Encoding: deflate");
             Client client = Client.newClient();
             Response r = client.send(Request.get(server.uri("/deflate")))) {
            assertThat(r.body().text()).isEqualTo(TEXT);
        }
    }

    @Test
    void gzipIsDecodedThroughChunksAnyAndLines() throws IOException {
        byte[] gz = Gzip.of(TEXT);
        try (var server = serving(gz, "Content-Encoding: gzip"); Client client = Client.newClient()) {
            try (Response r = client.send(Request.get(server.uri("/1")))) {
                var out = new ByteArrayOutputStream();
                for (ByteBuffer b : r.body().chunks(7777)) {
                    out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                }
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(TEXT);
            }
            try (Response r = client.send(Request.get(server.uri("/2")))) {
                var out = new ByteArrayOutputStream();
                for (ByteBuffer b : r.body().any()) {
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    out.write(copy);
                }
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(TEXT);
            }
            try (Response r = client.send(Request.get(server.uri("/3"))); var lines = r.body().lines()) {
                assertThat(lines.toList()).isEqualTo(TEXT.lines().toList());
            }
        }
    }

    @Test
    void gzipThenChunkedTransferIsDecoded() throws IOException {
        byte[] gz = Gzip.of(TEXT);
        int half = gz.length / 2;
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Encoding: gzip", "Transfer-Encoding: chunked"))
                .send(Integer.toHexString(half) + "\r\n").send(java.util.Arrays.copyOfRange(gz, 0, half)).send("\r\n")
                .send(Integer.toHexString(gz.length - half) + "\r\n").send(java.util.Arrays.copyOfRange(gz, half, gz.length))
                .send("\r\n0\r\n\r\n")));
             Client client = Client.newClient();
             Response r = client.send(Request.get(server.uri("/gz-chunked")))) {
            assertThat(r.body().text()).isEqualTo(TEXT);
        }
    }

    @Test
    void decompressFalseKeepsTheRawBytesAndSendsNoAcceptEncoding() throws IOException {
        byte[] gz = Gzip.of(TEXT);
        try (var server = serving(gz, "Content-Encoding: gzip");
             Client client = Client.builder().decompress(false).build();
             Response r = client.send(Request.get(server.uri("/raw")))) {
            assertThat(r.body().isDecoded()).isFalse();
            assertThat(r.body().contentLength()).hasValue(gz.length);
            assertThat(r.headers().first("Content-Encoding")).contains("gzip");
            assertThat(r.body().bytes()).isEqualTo(gz);
            assertThat(server.awaitRequests(1, WAIT).getFirst().header("Accept-Encoding")).isNull();
        }
    }

    @Test
    void anUnknownCodingIsPassedOnAsSent() throws IOException {
        byte[] body = "opaque".getBytes(StandardCharsets.US_ASCII);
        try (var server = serving(body, "Content-Encoding: x-custom");
             Client client = Client.newClient();
             Response r = client.send(Request.get(server.uri("/custom")))) {
            assertThat(r.body().isDecoded()).isFalse();
            assertThat(r.body().bytes()).isEqualTo(body);
        }
    }

    @Test
    void aHeadResponseWithContentEncodingHasNoBodyToDecode() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.head(200, "Content-Encoding: gzip", "Content-Length: 1234"))));
             Client client = Client.newClient();
             Response r = client.send(Request.head(server.uri("/h").toString()))) {
            assertThat(r.body().bytes()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 204 No Content\r\nContent-Encoding: gzip\r\n\r\n",
            "HTTP/1.1 304 Not Modified\r\nContent-Encoding: gzip\r\nContent-Length: 1234\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n"})
    void anEmptyBodyWithAContentEncodingIsEmptyNotAnError(String response) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(response)));
             Client client = Client.newClient();
             Response r = client.send(Request.get(server.uri("/none")))) {
            assertThat(r.body().bytes()).isEmpty();
        }
    }

    @Test
    void anEmptyGzipBodyOnA204IsNotAnErrorWhenDecompressionIsOff() throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.head(204, "Content-Encoding: gzip"))));
             Client client = Client.builder().decompress(false).build();
             Response r = client.send(Request.get(server.uri("/none")))) {
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.body().bytes()).isEmpty();
        }
    }

    private static ScriptedServer chunkedWith(byte[] body, String... headers) throws IOException {
        String[] lines = new String[headers.length];
        System.arraycopy(headers, 0, lines, 0, headers.length);
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.head(200, lines))
                .send(Integer.toHexString(body.length) + "\r\n").send(body).send("\r\n0\r\n\r\n")));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTransferCodingBeforeChunkedIsUndoneEvenWhenContentEncodingIsKept(boolean decompress) throws IOException {
        byte[] gz = Gzip.of(TEXT);
        try (var server = chunkedWith(gz, "Transfer-Encoding: gzip, chunked");
             Client client = Client.builder().decompress(decompress).build();
             Response r = client.send(Request.get(server.uri("/te")))) {
            assertThat(r.body().isDecoded()).as("no Content-Encoding was undone").isFalse();
            assertThat(r.body().text()).isEqualTo(TEXT);
        }
    }

    @Test
    void aTransferCodingAndAContentCodingAreBothUndoneOrOnlyTheTransferOne() throws IOException {
        byte[] once = Gzip.of(TEXT);
        var twice = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(twice)) {
            gz.write(once);
        }
        try (var server = chunkedWith(twice.toByteArray(), "Content-Encoding: gzip", "Transfer-Encoding: gzip, chunked");
             Client decoding = Client.newClient();
             Client raw = Client.builder().decompress(false).build()) {
            try (Response r = decoding.send(Request.get(server.uri("/both")))) {
                assertThat(r.body().isDecoded()).isTrue();
                assertThat(r.body().text()).isEqualTo(TEXT);
            }
            try (Response r = raw.send(Request.get(server.uri("/both")))) {
                assertThat(r.body().bytes()).as("the content as sent: gzip").isEqualTo(once);
            }
        }
    }

    @Test
    void aTransferCodingThatCannotBeUndoneIsAViolationAndFreesTheConnection() throws IOException {
        try (var server = chunkedWith("opaque".getBytes(StandardCharsets.US_ASCII), "Transfer-Encoding: compress, chunked");
             Client one = Client.builder().maxConnections(1).build()) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> one.send(Request.get(server.uri("/compress"))))
                        .isInstanceOf(ProtocolViolationException.class)
                        .hasMessageContaining(server.uri("/compress").toString())
                        .hasMessageContaining("compress");
            }
            assertThat(one.poolState()).contains("leased=0");
        }
    }
}
