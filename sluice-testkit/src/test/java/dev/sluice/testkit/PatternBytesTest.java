package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PatternBytesTest {

    @Test
    void fillFromAnyOffsetAgreesWithTheByteAtEachOffset() {
        for (long offset : new long[] {0, 1, 7, 8, 13, 4095, (1L << 32) + 3}) {
            byte[] bytes = PatternBytes.bytes(offset, 37);
            for (int i = 0; i < bytes.length; i++) {
                assertThat(bytes[i]).as("offset %d + %d", offset, i).isEqualTo(PatternBytes.at(offset + i));
            }
        }
    }

    @Test
    void thePatternHasNoShortPeriodSoAShiftedStreamIsCaught() {
        byte[] shifted = PatternBytes.bytes(251, 100_000);
        assertThatThrownBy(() -> PatternBytes.verify(new ByteArrayInputStream(shifted), 0))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("pattern mismatch at offset ");
    }

    @Test
    void theVerifierNamesTheOffsetOfTheFirstWrongByte() {
        byte[] bytes = PatternBytes.bytes(1_000, 200_000);
        bytes[150_000] ^= 1;
        assertThatThrownBy(() -> PatternBytes.verify(bytes, 0, bytes.length, 1_000))
                .hasMessageStartingWith("pattern mismatch at offset 151000:");
    }

    @Test
    void theVerifierChecksPiecesOfAStreamAcrossBufferBoundaries() {
        PatternBytes.Verifier verifier = new PatternBytes.Verifier(5);
        verifier.update(ByteBuffer.wrap(PatternBytes.bytes(5, 3)));
        verifier.update(ByteBuffer.allocateDirect(70_000).put(PatternBytes.bytes(8, 70_000)).flip());
        assertThat(verifier.position()).isEqualTo(70_008);
        assertThatThrownBy(() -> verifier.update(ByteBuffer.wrap(new byte[] {(byte) (PatternBytes.at(70_008) + 1)})))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void theSha256OfARangeIsTheDigestOfItsBytes() throws Exception {
        byte[] bytes = PatternBytes.bytes(77, 200_000);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(PatternBytes.sha256Hex(77, 200_000)).isEqualTo(expected);
        assertThat(PatternBytes.sha256Hex(78, 200_000)).isNotEqualTo(expected);
    }
}
