package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ProtocolViolationException;
import dev.sluice.testkit.Gzip;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.zip.DataFormatException;
import org.junit.jupiter.api.Test;

/** Corrupt compressed data is reported with the inflater's own exception as the cause (it was dropped). */
class CorruptDataCauseTest {
    @Test
    void corruptDeflateDataKeepsTheInflatersExceptionAsTheCause() throws IOException {
        byte[] member = Gzip.of("hello");
        // The first byte of the deflate data after the 10-byte gzip header: BFINAL 1, BTYPE 11,
        // a block type RFC 1951 reserves.
        member[10] = (byte) 0xff;
        try (InputStream in = new InflatingInputStream(new ByteArrayInputStream(member), true,
                URI.create("http://127.0.0.1/x"))) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining("invalid compressed data")
                    .cause().isInstanceOf(DataFormatException.class);
        }
    }
}
