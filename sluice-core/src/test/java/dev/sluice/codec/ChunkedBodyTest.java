package dev.sluice.codec;

import static dev.sluice.codec.Replay.decode;
import static dev.sluice.codec.Replay.failure;
import static dev.sluice.codec.Replay.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.codec.ResponseDecoder.State;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chunked transfer coding (RFC 9112 §7.1): sizes, extensions, data CRLF, trailers, truncation. */
class ChunkedBodyTest {

    private static final String HEAD = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final int BODY_START = HEAD.length();

    @Test
    void chunksAreJoinedIntoTheBody() {
        var decoded = decode(HEAD + """
                5\r
                hello\r
                7\r
                , world\r
                0\r
                \r
                """);

        assertThat(decoded.head().framing()).isEqualTo(new BodyFraming.Chunked());
        assertThat(decoded.head().persistent()).isTrue();
        assertThat(decoded.body()).isEqualTo("hello, world");
        assertThat(decoded.trailers()).isEmpty();
        assertThat(decoded.leftover()).isEmpty();
    }

    @Test
    void chunkSizesAreHexInEitherCase() {
        String sixteen = "0123456789abcdef";
        String twentySix = "abcdefghijklmnopqrstuvwxyz";
        var decoded = decode(HEAD + "10\r\n" + sixteen + "\r\n1A\r\n" + twentySix + "\r\n1a\r\n" + twentySix + "\r\n0\r\n\r\n");

        assertThat(decoded.body()).isEqualTo(sixteen + twentySix + twentySix);
    }

    @Test
    void chunkDataMayHoldAnyOctetsIncludingCrLfAndNul() {
        var decoded = decode(HEAD + "6\r\n\r\n\0\r0\n\r\n0\r\n\r\n");

        assertThat(decoded.body()).isEqualTo("\r\n\0\r0\n");
    }

    @Test
    void chunkExtensionsAreIgnored() {
        var decoded = decode(HEAD + """
                5;name=value\r
                hello\r
                1 ; a ;b="q;uoted"\r
                !\r
                0;last\r
                \r
                """);

        assertThat(decoded.body()).isEqualTo("hello!");
    }

    @Test
    void bareLfIsAcceptedAfterSizesDataAndTrailers() {
        var decoded = decode(HEAD + "5\nhello\n0\nX-T: 1\n\n");

        assertThat(decoded.body()).isEqualTo("hello");
        assertThat(decoded.trailers()).isEqualTo(fields("X-T", "1"));
    }

    @Test
    void trailersComeWithTheBodyEnd() {
        var decoded = decode(HEAD + """
                3\r
                abc\r
                0\r
                Checksum: sha-256=xyz\r
                X-Folded: a\r
                  b\r
                \r
                """);

        assertThat(decoded.trailers()).isEqualTo(fields("Checksum", "sha-256=xyz", "X-Folded", "a b"));
    }

    @Test
    void bytesAfterTheLastChunkAreLeftOver() {
        var decoded = decode(HEAD + "3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n");

        assertThat(decoded.body()).isEqualTo("abc");
        assertThat(decoded.leftover()).isEqualTo("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void contentLengthBesideChunkedIsIgnoredButEndsPersistence() {
        var decoded = decode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        assertThat(decoded.body()).isEqualTo("hello");
        assertThat(decoded.head().persistent()).isFalse();
    }

    @Test
    void dataNotFollowedByCrlfIsRejected() {
        CodecException e = failure(HEAD + "5\r\nhelloA\r\n0\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("expected CRLF after chunk data, got 0x41");
        assertThat(e.offset()).isEqualTo(BODY_START + 3 + 5);
        assertThat(e.state()).isEqualTo(State.CHUNK_DATA_CRLF);
    }

    @Test
    void dataFollowedByCrWithoutLfIsRejected() {
        CodecException e = failure(HEAD + "5\r\nhello\rX0\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("expected CRLF after chunk data, got CR followed by 0x58");
        assertThat(e.offset()).isEqualTo(BODY_START + 3 + 5 + 1);
    }

    @Test
    void chunkLongerThanItsSizeIsRejectedWhereItOverflows() {
        CodecException e = failure(HEAD + "3\r\nhello\r\n0\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("expected CRLF after chunk data, got 0x6C");
        assertThat(e.offset()).isEqualTo(BODY_START + 3 + 3);
    }

    @Test
    void chunkSizeWithMoreThanSixteenHexDigitsIsRejected() {
        CodecException e = failure(HEAD + "10000000000000005\r\nhello\r\n0\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("chunk size has more than 16 hex digits");
        assertThat(e.offset()).isEqualTo(BODY_START + 16);
        assertThat(e.state()).isEqualTo(State.CHUNK_SIZE);
    }

    @Test
    void leadingZerosOfAChunkSizeDoNotCountAsDigits() {
        // chunk-size = 1*HEXDIG: zeros in front carry no value, however many (the line limit bounds them).
        assertThat(decode(HEAD + "0".repeat(40) + "5\r\nhello\r\n" + "0".repeat(20) + "\r\n\r\n").body())
                .isEqualTo("hello");
    }

    @Test
    void chunkSizeWithExactlySixteenHexDigitsIsAccepted() {
        var decoded = decode(HEAD + "0000000000000005\r\nhello\r\n0000000000000000\r\n\r\n");

        assertThat(decoded.body()).isEqualTo("hello");
    }

    @Test
    void chunkSizeBeyondALongIsRejected() {
        CodecException e = failure(HEAD + "8000000000000000\r\n");

        assertThat(e.getMessage()).isEqualTo("chunk size \"8000000000000000\"... is larger than 9223372036854775807");
        assertThat(e.offset()).isEqualTo(BODY_START + 15);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "zz", "-5", "+5", " 5", ";ext", "g"})
    void chunkSizeLineWithoutLeadingHexDigitsIsRejected(String line) {
        CodecException e = failure(HEAD + line + "\r\nhello\r\n0\r\n\r\n");

        assertThat(e.getMessage()).startsWith("expected a hex chunk size, got ");
        assertThat(e.offset()).isEqualTo(BODY_START);
        assertThat(e.state()).isEqualTo(State.CHUNK_SIZE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5x", "0x5", "5 ", "5\t", "5 x"})
    void chunkSizeFollowedByNeitherExtensionNorLineEndIsRejected(String line) {
        CodecException e = failure(HEAD + line + "\r\nhello\r\n0\r\n\r\n");

        assertThat(e.getMessage()).startsWith("unexpected ").contains(" after chunk size in ");
    }

    @Test
    void controlCharacterInAChunkExtensionIsRejected() {
        CodecException e = failure(HEAD + "5;a=\u0001\r\nhello\r\n0\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("chunk extension contains 0x01");
        assertThat(e.offset()).isEqualTo(BODY_START + 4);
    }

    @Test
    void nulInAChunkSizeLineIsRejected() {
        CodecException e = failure(HEAD + "5\0\r\nhello\r\n0\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("NUL byte in a chunk-size line");
        assertThat(e.offset()).isEqualTo(BODY_START + 1);
    }

    @Test
    void invalidTrailerFieldIsRejected() {
        CodecException e = failure(HEAD + "0\r\nBad Name: x\r\n\r\n");

        assertThat(e.getMessage()).startsWith("whitespace in trailer field name");
        assertThat(e.state()).isEqualTo(State.TRAILERS);
        assertThat(e.offset()).isEqualTo(BODY_START + 3 + 3);
    }

    @Test
    void whitespaceBeforeTheFirstTrailerIsRejected() {
        CodecException e = failure(HEAD + "0\r\n X: y\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("whitespace at the start of the first trailer field line");
    }

    @Test
    void closeInsideAChunkSaysHowMuchOfTheChunkCame() {
        CodecException e = failure(HEAD + "3\r\nabc\r\n1000\r\n0123456789");

        assertThat(e.getMessage()).isEqualTo("connection closed inside chunk: 10 of 4096 bytes");
        assertThat(e.state()).isEqualTo(State.CHUNK_DATA);
        assertThat(e.offset()).isEqualTo(BODY_START + 8 + 6 + 10);
    }

    @Test
    void closeBeforeAChunkSizeLineSaysSo() {
        CodecException e = failure(HEAD + "3\r\nabc\r\n");

        assertThat(e.getMessage()).isEqualTo("connection closed before a chunk-size line, after 3 body bytes");
        assertThat(e.state()).isEqualTo(State.CHUNK_SIZE);
    }

    @Test
    void closeInsideAChunkSizeLineSaysSo() {
        CodecException e = failure(HEAD + "3\r\nabc\r\n10");

        assertThat(e.getMessage()).isEqualTo("connection closed inside a chunk-size line, after 3 body bytes");
        assertThat(e.offset()).isEqualTo(BODY_START + 10);
    }

    @Test
    void closeBeforeTheCrlfAfterChunkDataSaysSo() {
        CodecException e = failure(HEAD + "3\r\nabc\r");

        assertThat(e.getMessage()).isEqualTo("connection closed before the CRLF after chunk data, after 3 body bytes");
        assertThat(e.state()).isEqualTo(State.CHUNK_DATA_CRLF);
        assertThat(e.offset()).isEqualTo(BODY_START + 7);
    }

    @Test
    void closeInTheTrailersSaysSo() {
        CodecException e = failure(HEAD + "0\r\nX-T: 1\r\n");

        assertThat(e.getMessage()).isEqualTo("connection closed in the trailer section, after 8 bytes of it");
        assertThat(e.state()).isEqualTo(State.TRAILERS);
    }

    @Test
    void bodyWrittenWithChunkedEncoderDecodesToTheSameBytes() {
        StringBuilder wire = new StringBuilder(HEAD);
        StringBuilder expected = new StringBuilder();
        for (int length : List.of(1, 15, 16, 255, 4096)) {
            String data = "x".repeat(length - 1) + "\n";
            wire.append(new String(ChunkedEncoder.chunkHeader(length), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .append(data).append(new String(ChunkedEncoder.CRLF, java.nio.charset.StandardCharsets.ISO_8859_1));
            expected.append(data);
        }
        wire.append(new String(ChunkedEncoder.lastChunk(), java.nio.charset.StandardCharsets.ISO_8859_1));

        assertThat(decode(wire.toString()).body()).isEqualTo(expected.toString());
    }
}
