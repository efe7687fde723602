package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.ProtocolViolationException;
import dev.sluice.testkit.PieceStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * gzip and deflate bodies as a hostile server may send them, read through
 * {@link InflatingInputStream} from a source that hands out its bytes in small pieces. Only a
 * {@link ProtocolViolationException} may come out (the engine's typed error for a corrupt or
 * cut body), reads end, memory stays bounded (the output is only counted), and a gzip body
 * it accepts decodes to what the JDK's own decoder makes of it. The header values that choose
 * the codings ({@link ContentDecoding#plan}, {@link ContentDecoding#transferPlan}) are fuzzed
 * too.
 */
class InflatingInputStreamFuzzTest {

    private static final URI URL = URI.create("http://example.com/body");
    /** No body of 4 KiB of input inflates past this: deflate's best ratio is about 1032:1. */
    private static final long MAX_OUTPUT = 64L << 20;

    /** Byte 0: bit 0 gzip or deflate, bits 1-4 the source's piece size; the rest is the body. */
    @FuzzTest(maxDuration = "4m")
    void codedBodiesDecodeOrFailTyped(byte[] input) throws IOException {
        if (input.length < 1) {
            return;
        }
        boolean gzip = (input[0] & 1) != 0;
        int piece = 1 + ((input[0] >> 1) & 15) * 97;
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InflatingInputStream in = new InflatingInputStream(new PieceStream(body, piece), gzip, URL)) {
            byte[] buf = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
                total += n;
                assertThat(total).isLessThanOrEqualTo(MAX_OUTPUT);
                if (out.size() < (1 << 20)) {
                    out.write(buf, 0, n);
                }
            }
            assertThat(in.read()).as("a second end").isEqualTo(-1);
            if (gzip && total < (1 << 20)) {
                assertThat(jdkGunzip(body)).as("the JDK's reading").isEqualTo(out.toByteArray());
            }
        } catch (ProtocolViolationException e) {
            assertThat(e.getMessage()).contains(URL.toString());
        }
    }

    /** The input, read as ISO-8859-1, is a Content-Encoding or Transfer-Encoding value. */
    @FuzzTest(maxDuration = "2m")
    void codingListsNeverThrowButForUnknownTransferCodings(byte[] input) {
        String value = new String(input, StandardCharsets.ISO_8859_1);
        List<String> plan = ContentDecoding.plan(List.of(value));
        if (plan != null) {
            assertThat(plan).isNotEmpty().allMatch(c -> List.of("gzip", "x-gzip", "deflate", "br", "zstd").contains(c));
        }
        for (boolean chunked : new boolean[] {true, false}) {
            try {
                List<String> transfer = ContentDecoding.transferPlan(List.of(value), chunked);
                if (transfer != null) {
                    assertThat(transfer).isNotEmpty().allMatch(c -> List.of("gzip", "x-gzip", "deflate").contains(c));
                }
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).startsWith("the body is in a transfer coding that cannot be undone");
            }
        }
        assertThatCode(() -> ContentDecoding.plan(List.of(value, value))).doesNotThrowAnyException();
    }

    private static byte[] jdkGunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }
}
