package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ProtocolViolationException;
import dev.sluice.testkit.Gzip;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The stream on its own: a failure is final, and a read after it never finds a clean end. */
class InflatingInputStreamTest {
    private static final URI URL = URI.create("http://127.0.0.1/x");

    private static InputStream gzipOf(byte[] raw) {
        return new InflatingInputStream(new ByteArrayInputStream(raw), true, URL);
    }

    @Test
    void aReadAfterAFailureFailsAgainInsteadOfEndingCleanly() throws IOException {
        byte[] member = Gzip.of("hello");
        byte[] withJunk = Arrays.copyOf(member, member.length + 3);
        try (InputStream in = gzipOf(withJunk)) {
            byte[] buf = new byte[64];
            assertThatThrownBy(() -> in.readAllBytes()).isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("bytes follow the end of its gzip data");
            assertThatThrownBy(() -> in.read(buf)).isInstanceOf(ProtocolViolationException.class);
            assertThatThrownBy(() -> in.read(buf)).isInstanceOf(ProtocolViolationException.class);
        }
    }

    @Test
    void aWholeBodyEndsCleanlyAndStaysEnded() throws IOException {
        try (InputStream in = gzipOf(Gzip.of("hello"))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.read(new byte[8])).isEqualTo(-1);
        }
    }

    @Test
    void rawDeflateWhoseFirstBytesReadAsAZlibHeaderIsDecodedAsRaw() throws IOException {
        // A stored block (0x78: not final, stored; LEN 1, NLEN 0xFFFE, "A") and an empty final
        // fixed block: valid raw deflate, though 0x78 0x01 is also a valid zlib header.
        byte[] raw = {0x78, 0x01, 0x00, (byte) 0xfe, (byte) 0xff, 0x41, 0x03, 0x00};
        try (InputStream in = new InflatingInputStream(new ByteArrayInputStream(raw), false, URL)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("A");
        }
    }

    @Test
    void corruptZlibDataIsStillCorruptWhenItIsNotRawDeflateEither() throws IOException {
        byte[] zlib = {0x78, (byte) 0x9c, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        try (InputStream in = new InflatingInputStream(new ByteArrayInputStream(zlib), false, URL)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("invalid compressed data");
        }
    }
}
