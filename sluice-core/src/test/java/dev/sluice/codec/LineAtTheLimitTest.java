package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.codec.ResponseDecoder.State;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A line whose CR falls on the last byte its limit allows can no longer fit, whatever comes
 * next: the decoder says so at once. Before, it waited for the next byte, so a caller that
 * sized its buffer to the limit, as the buffer contract allows, got NEED_INPUT with a full
 * buffer and could only stall or fail with a local error (found by ResponseDecoderFuzzTest).
 */
class LineAtTheLimitTest {

    /** A 13-byte head limit: "HTTP/1.1 404" and its CRLF take 14. */
    private static final Limits HEAD_13 = new Limits(13, 4, 5, 101);

    @Test
    void statusLineWhoseCrIsTheLastAllowedByteFailsWithAFullBufferOfTheLimitsSize() {
        CodecException e = decodeInBufferOf(13, HEAD_13, "HTTP/1.1 404\r");

        assertThat(e.getMessage()).isEqualTo("response head exceeds 13 bytes");
        assertThat(e.offset()).isEqualTo(13);
        assertThat(e.state()).isEqualTo(State.STATUS_LINE);
    }

    @Test
    void whatFollowsTheCrDoesNotChangeTheError() {
        // Whole, the same bytes with an LF or another byte after the CR: the same failure as
        // when the input stops at the CR, so that the outcome does not depend on the split.
        for (String next : new String[] {"\n", "X"}) {
            CodecException e = decodeInBufferOf(14, HEAD_13, "HTTP/1.1 404\r" + next);

            assertThat(e.getMessage()).as("CR then %s", next).isEqualTo("response head exceeds 13 bytes");
            assertThat(e.offset()).isEqualTo(13);
        }
    }

    @Test
    void chunkSizeLineWhoseCrIsTheLastAllowedByteFailsAtOnce() {
        Limits limits = new Limits(64, 4, 5, 101);
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        // Leading zeros do not count as digits; 63 of them and the CR fill the 64-byte line limit.
        CodecException e = decodeInBufferOf(64, limits, head + "0".repeat(63) + "\r");

        assertThat(e.getMessage()).isEqualTo("chunk-size line exceeds 64 bytes");
        assertThat(e.offset()).isEqualTo(head.length() + 64);
        assertThat(e.state()).isEqualTo(State.CHUNK_SIZE);
    }

    @Test
    void trailerLineWhoseCrIsTheLastAllowedByteFailsWithoutWaitingForTheNextByte() {
        Limits limits = new Limits(64, 4, 5, 10);
        String body = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
        CodecException e = decodeInBufferOf(64, limits, body + "X: 123456\r");

        assertThat(e.getMessage()).isEqualTo("trailer section exceeds 10 bytes");
        assertThat(e.offset()).isEqualTo(body.length() + 10);
    }

    /**
     * Feeds {@code input} through a buffer of {@code capacity} bytes, as a caller following the
     * buffer contract would, and returns the failure; fails the test when the decoder asks for
     * more input while the input has ended or the buffer is full.
     */
    private static CodecException decodeInBufferOf(int capacity, Limits limits, String input) {
        byte[] wire = input.getBytes(StandardCharsets.ISO_8859_1);
        ResponseDecoder decoder = new ResponseDecoder(limits);
        decoder.reset("GET");
        ByteBuffer buf = ByteBuffer.allocate(capacity).flip();
        CodecException failure = catchThrowableOfType(CodecException.class, () -> {
            int at = 0;
            while (true) {
                DecoderEvent event = decoder.decode(buf);
                if (event instanceof DecoderEvent.NeedInput) {
                    buf.compact();
                    assertThat(buf.hasRemaining()).as("NEED_INPUT with a full buffer, state " + decoder.state())
                            .isTrue();
                    assertThat(at).as("NEED_INPUT after the whole input, state " + decoder.state())
                            .isLessThan(wire.length);
                    int n = Math.min(buf.remaining(), wire.length - at);
                    buf.put(wire, at, n).flip();
                    at += n;
                }
            }
        });
        assertThat(failure).as("a CodecException").isNotNull();
        return failure;
    }
}
