package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.Script;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compressed data must end where the body ends: bytes after it are corrupt data (as curl
 * and Go have it), so the raw body is still read to its framed end, and a body cut anywhere,
 * after the data too, is a violation. A next gzip member whose header is cut or malformed is
 * no end of the data either (the JDK's GZIPInputStream took it for one).
 */
class CompressedDataEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TEXT = TruncatedAndGarbledResponseTest.text(20_000);

    @TempDir
    Path dir;

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private ProtocolViolationException assertBodyFails(Consumer<Script> script, ReadForm form) throws IOException {
        ProtocolViolationException failure;
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(script))) {
            try (Response r = client.send(Request.get(server.uri("/z")))) {
                Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class, () -> form.readAll(r.body(), dir));
                assertThat(t).isInstanceOf(ProtocolViolationException.class).hasMessageContaining(server.uri("/z").toString());
                failure = (ProtocolViolationException) t;
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("nothing at the target path, nor a temporary file").isEmpty();
        }
        return failure;
    }

    private static Consumer<Script> contentLength(String coding, byte[] body) {
        return c -> c.expectRequest().send(Responses.head(200, "Content-Encoding: " + coding,
                "Content-Length: " + body.length)).send(body).awaitClientClose();
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void aChunkedGzipBodyWithThreeBytesAfterTheMemberAndNoLastChunkIsAViolation(ReadForm form) throws IOException {
        byte[] member = Gzip.of(TEXT);
        ProtocolViolationException e = assertBodyFails(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Transfer-Encoding: chunked"))
                .send(Integer.toHexString(member.length) + "\r\n").send(member).send("\r\n3\r\nabc\r\n").close(), form);
        assertThat(e).hasMessageContaining("bytes follow the end of its gzip data");
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void aChunkedGzipBodyCutInsideAChunkAfterTheMemberIsAViolation(ReadForm form) throws IOException {
        byte[] member = Gzip.of(TEXT);
        assertBodyFails(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Transfer-Encoding: chunked"))
                .send(Integer.toHexString(member.length) + "\r\n").send(member).send("\r\n10\r\nabc").close(), form);
    }

    @ParameterizedTest
    @EnumSource(ReadForm.class)
    void manyBytesAfterTheMemberInABodyCutShortAreAViolation(ReadForm form) throws IOException {
        byte[] body = concat(Gzip.of(TEXT), new byte[200_000]);
        assertBodyFails(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Content-Length: " + (body.length + 5_000)))
                .send(body).close(), form);
    }

    @Test
    void bytesAfterTheMemberInACompleteBodyAreCorruptDataAndTheMessageCountsThem() throws IOException {
        ProtocolViolationException e = assertBodyFails(contentLength("gzip", concat(Gzip.of(TEXT), ascii("abc"))),
                ReadForm.STREAM);
        assertThat(e).hasMessageContaining("corrupt gzip body: bytes follow the end of its gzip data (3 bytes or more, after "
                + TEXT.length() + " decoded bytes)");
    }

    @Test
    void theAsyncFormsFailAsTheSyncOnesDo() throws Exception {
        byte[] member = Gzip.of(TEXT);
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Encoding: gzip", "Transfer-Encoding: chunked"))
                .send(Integer.toHexString(member.length) + "\r\n").send(member).send("\r\n3\r\nabc\r\n").close()))) {
            Response r = client.sendAsync(Request.get(server.uri("/async"))).get();
            assertThat(r.body().async().bytes()).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(ProtocolViolationException.class)
                    .withMessageContaining("follow the end of its gzip data");
            r.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 9})
    void aSecondMemberWhoseHeaderIsCutIsAViolation(int headerBytes) throws IOException {
        byte[] first = Gzip.of(TEXT);
        byte[] cut = Arrays.copyOf(Gzip.of("second"), headerBytes);
        ProtocolViolationException e = assertBodyFails(contentLength("gzip", concat(first, cut)), ReadForm.STREAM);
        if (headerBytes == 1) {
            // A lone 1f: a header cut after a byte, or a byte that is no header; corrupt either way.
            assertThat(e.getMessage()).containsAnyOf("cut inside the header of member 2", "follow the end");
        } else {
            assertThat(e).hasMessageContaining("cut inside the header of member 2");
        }
    }

    @Test
    void theGzipMagicFollowedByOtherBytesIsAViolation() throws IOException {
        byte[] body = concat(Gzip.of(TEXT), new byte[] {0x1f, (byte) 0x8b}, ascii("XXXXXXXXXXXXXXXXXXXX"));
        ProtocolViolationException e = assertBodyFails(contentLength("gzip", body), ReadForm.STREAM);
        assertThat(e).hasMessageContaining("gzip member 2 uses compression method 88, not 8");
    }

    @Test
    void concatenatedMembersWithEveryHeaderFieldAreDecodedWhole() throws IOException {
        byte[] body = concat(gzipWithAllFields("first half, ", true), gzipWithAllFields("second half", false), Gzip.of(""));
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(contentLength("gzip", body)));
             Response r = client.send(Request.get(server.uri("/members")))) {
            assertThat(r.body().text()).isEqualTo("first half, second half");
        }
    }

    @Test
    void aWrongHeaderCrcIsAViolation() throws IOException {
        byte[] member = gzipWithAllFields("text", true);
        int hcrc = member.length - deflateRaw("text").length - 8 - 2;
        member[hcrc] ^= 1;
        ProtocolViolationException e = assertBodyFails(contentLength("gzip", member), ReadForm.STREAM);
        assertThat(e).hasMessageContaining("header CRC of gzip member 1");
    }

    @Test
    void aGzipBodyCutInsideItsDataSaysItEndedEarly() throws IOException {
        byte[] whole = Gzip.of(TruncatedAndGarbledResponseTest.text(200_000));
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        ProtocolViolationException e = assertBodyFails(contentLength("gzip", half), ReadForm.STREAM);
        assertThat(e).hasMessageContaining("the body ends before the end of its gzip data: cut inside its compressed data");
    }

    @Test
    void aGzipBodyCutInsideItsTrailerSaysItEndedEarly() throws IOException {
        byte[] whole = Gzip.of(TEXT);
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);
        ProtocolViolationException e = assertBodyFails(contentLength("gzip", cut), ReadForm.STREAM);
        assertThat(e).hasMessageContaining("the body ends before the end of its gzip data: cut inside the trailer of member 1, after "
                + TEXT.length() + " decoded bytes");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bytesAfterDeflateDataAreAViolation(boolean raw) throws IOException {
        byte[] body = concat(ContentEncodingTest.deflate(TEXT, raw), ascii("trailing"));
        ProtocolViolationException e = assertBodyFails(contentLength("deflate", body), ReadForm.STREAM);
        assertThat(e).hasMessageContaining("bytes follow the end of its deflate data");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void deflateDataThatEndsWithTheBodyIsDecoded(boolean raw) throws IOException {
        byte[] body = ContentEncodingTest.deflate(TEXT, raw);
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(contentLength("deflate", body)));
             Response r = client.send(Request.get(server.uri("/deflate")))) {
            assertThat(r.body().text()).isEqualTo(TEXT);
        }
    }

    @Test
    void bytesAfterZstdDataAreAViolation() throws IOException {
        byte[] body = concat(Zstd.compress(ascii(TEXT)), ascii("trailing"));
        assertBodyFails(contentLength("zstd", body), ReadForm.STREAM);
    }

    @Test
    void aZstdBodyCutAfterItsDataIsAViolation() throws IOException {
        byte[] data = Zstd.compress(ascii(TEXT));
        assertBodyFails(c -> c.expectRequest().send(Responses.head(200, "Content-Encoding: zstd",
                "Content-Length: " + (data.length + 100))).send(data).close(), ReadForm.STREAM);
    }

    @Test
    void aBrotliBodyCutAfterItsDataIsAViolation() throws IOException {
        Brotli4jLoader.ensureAvailability();
        byte[] data = Encoder.compress(ascii(TEXT));
        assertBodyFails(c -> c.expectRequest().send(Responses.head(200, "Content-Encoding: br",
                "Content-Length: " + (data.length + 100))).send(data).close(), ReadForm.STREAM);
    }

    /** A gzip member with FEXTRA, FNAME, FCOMMENT and FHCRC set, written by hand (GZIPOutputStream sets none). */
    static byte[] gzipWithAllFields(String text, boolean withHeaderCrc) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        int flg = 0x04 | 0x08 | 0x10 | (withHeaderCrc ? 0x02 : 0);
        h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flg, 0, 0, 0, 0, 0, (byte) 255});
        h.writeBytes(new byte[] {5, 0, 'A', 'B', 2, 0, 'x'});
        h.writeBytes(ascii("name.txt\0"));
        h.writeBytes(ascii("a comment\0"));
        if (withHeaderCrc) {
            CRC32 crc = new CRC32();
            crc.update(h.toByteArray());
            h.write((int) crc.getValue() & 0xff);
            h.write((int) (crc.getValue() >> 8) & 0xff);
        }
        byte[] plain = ascii(text);
        h.writeBytes(deflateRaw(text));
        CRC32 crc = new CRC32();
        crc.update(plain);
        long c = crc.getValue();
        h.writeBytes(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                (byte) plain.length, (byte) (plain.length >> 8), (byte) (plain.length >> 16), (byte) (plain.length >> 24)});
        return h.toByteArray();
    }

    private static byte[] deflateRaw(String text) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(ascii(text));
        d.finish();
        byte[] out = new byte[text.length() + 64];
        int n = d.deflate(out);
        d.end();
        return Arrays.copyOf(out, n);
    }
}
