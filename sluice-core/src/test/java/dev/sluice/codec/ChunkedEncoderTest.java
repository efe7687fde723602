package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Chunk framing for request bodies (RFC 9112 §7.1). */
class ChunkedEncoderTest {

    @Test
    void chunkHeaderIsLowerCaseHexThenCrlf() {
        assertThat(text(ChunkedEncoder.chunkHeader(1))).isEqualTo("1\r\n");
        assertThat(text(ChunkedEncoder.chunkHeader(0x1f40))).isEqualTo("1f40\r\n");
        assertThat(text(ChunkedEncoder.chunkHeader(Integer.MAX_VALUE))).isEqualTo("7fffffff\r\n");
    }

    @Test
    void zeroOrNegativeChunkLengthIsRejectedBecauseItWouldEndTheBody() {
        assertThatThrownBy(() -> ChunkedEncoder.chunkHeader(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkedEncoder.chunkHeader(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void crlfIsCrlf() {
        assertThat(text(ChunkedEncoder.CRLF)).isEqualTo("\r\n");
    }

    @Test
    void lastChunkIsZeroThenEmptyTrailerSectionAndAFreshCopyEachTime() {
        byte[] first = ChunkedEncoder.lastChunk();
        assertThat(text(first)).isEqualTo("0\r\n\r\n");

        first[0] = 'X';
        assertThat(text(ChunkedEncoder.lastChunk())).isEqualTo("0\r\n\r\n");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
