package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.codec.DecoderEvent.BodyBytes;
import dev.sluice.codec.DecoderEvent.BodyEnd;
import dev.sluice.codec.DecoderEvent.InformationalHead;
import dev.sluice.codec.DecoderEvent.NeedInput;
import dev.sluice.codec.DecoderEvent.ResponseHead;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds arbitrary bytes to {@link ResponseDecoder} as a hostile server would send them, cut at
 * arbitrary points, and checks what the decoder promises: only {@link CodecException} escapes
 * (it is what the engine turns into a protocol error naming the URL), every call returns, a
 * caller whose buffer holds the longest line the limits allow never stalls with a full buffer,
 * heads and trailers stay within the limits, and what comes out (heads, body bytes, the end,
 * the error and its offset) does not depend on how the bytes were split.
 *
 * <p>{@code mvn verify} replays the inputs under {@code ResponseDecoderFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} Jazzer searches for new ones (see the README).
 */
class ResponseDecoderFuzzTest {

    private static final String[] METHODS = {"GET", "HEAD", "CONNECT", "POST"};

    /** Bytes before the response bytes: the method, the limits and the split sizes. */
    static final int CONFIG_BYTES = 8;

    /**
     * Input layout (raw bytes, so that a seed is a response written out with 8 bytes before
     * it): byte 0 picks the method (bits 0-1) and whether the default limits apply (bit 2);
     * bytes 1-3 size small limits; bytes 4-7 are piece sizes (0 stands for 256); the rest is
     * what the server sends.
     */
    @FuzzTest(maxDuration = "4m")
    @DictionaryEntries({"HTTP/1.1 ", "HTTP/1.0 ", "HTTP/1.1 200 OK\\r\\n", "\\r\\n", "\\r\\n\\r\\n", "100 ", "204 ",
        "304 ", "101 ", "Content-Length: ", "Transfer-Encoding: ", "chunked", "identity", "gzip, chunked",
        "Connection: ", "close", "keep-alive", ";ext=1", "\\r\\n0\\r\\n\\r\\n", "ffffffffffffffff"})
    void decodingDoesNotDependOnSplitPointsAndOnlyFailsTyped(byte[] input) {
        if (input.length < CONFIG_BYTES) {
            return;
        }
        // Small limits put every limit within the fuzzer's reach; the defaults are what runs.
        Limits limits = (input[0] & 4) != 0
                ? Limits.DEFAULT
                : new Limits(13 + (input[1] & 0xFF), 1 + (input[2] & 7), 1 + ((input[2] >> 3) & 15),
                        1 + (input[3] & 0xFF));
        String method = METHODS[input[0] & 3];
        int[] cuts = new int[4];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = input[4 + i] == 0 ? 256 : input[4 + i] & 0xFF;
        }
        byte[] wire = Arrays.copyOfRange(input, CONFIG_BYTES, input.length);

        String whole = transcript(limits, method, wire, new int[] {Math.max(1, wire.length)}, false);
        String byteByByte = transcript(limits, method, wire, new int[] {1}, false);
        String fuzzed = transcript(limits, method, wire, cuts, false);
        String engineWay = transcript(limits, method, wire, cuts, true);
        assertThat(byteByByte).as("byte by byte vs whole").isEqualTo(whole);
        assertThat(fuzzed).as("fuzzer's split points vs whole").isEqualTo(whole);
        assertThat(engineWay).as("fixed-length bodies taken by hand vs whole").isEqualTo(whole);
    }

    /**
     * Decodes {@code wire} as a connection would deliver it, in pieces of the sizes {@code cuts}
     * gives (cyclically; a size below 1 counts as 1), responses one after another while the
     * connection may be reused, and returns what came out, body bytes joined. With
     * {@code fixedBodyByHand} a fixed-length body is taken as the engine takes it: straight
     * from the buffer with {@code consumedDirectly}, ended by {@code endFixedBody}.
     */
    static String transcript(Limits limits, String method, byte[] wire, int[] cuts, boolean fixedBodyByHand) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ResponseDecoder decoder = new ResponseDecoder(limits);
        // What the decoder's buffer contract asks: room for the longest line allowed.
        ByteBuffer buf = ByteBuffer.allocate(Math.max(limits.maxHeadBytes(), limits.maxTrailerBytes()));
        buf.flip();
        int fed = 0;
        int cut = 0;
        int responses = 0;
        int interim = 0;
        decoder.reset(method);
        try {
            while (true) {
                DecoderEvent event;
                if (fixedBodyByHand && decoder.state() == ResponseDecoder.State.FIXED_BODY) {
                    long left = decoder.directReadLimit();
                    if (left == 0) {
                        event = decoder.endFixedBody();
                    } else if (!buf.hasRemaining()) {
                        event = DecoderEvent.NEED_INPUT;
                    } else {
                        int n = (int) Math.min(left, buf.remaining());
                        body.write(buf.array(), buf.position(), n);
                        buf.position(buf.position() + n);
                        decoder.consumedDirectly(n);
                        continue;
                    }
                } else {
                    event = decoder.decode(buf);
                }
                switch (event) {
                    case NeedInput n -> {
                        if (fed == wire.length) {
                            event = decoder.endOfInput();
                            flushBody(out, body);
                            out.append("end-of-input ").append(event).append('\n');
                            return out.toString();
                        }
                        buf.compact();
                        if (!buf.hasRemaining()) {
                            throw new AssertionError("NEED_INPUT with a full buffer of " + buf.capacity()
                                    + " bytes: a caller would wait forever (state " + decoder.state() + ")");
                        }
                        int size = Math.max(1, cuts[cut++ % cuts.length]);
                        int n1 = Math.min(Math.min(size, buf.remaining()), wire.length - fed);
                        buf.put(wire, fed, n1);
                        fed += n1;
                        buf.flip();
                    }
                    case InformationalHead h -> {
                        interim++;
                        assertThat(interim).isLessThanOrEqualTo(101);
                        checkFields(h.headers(), limits.maxHeaderCount(), limits.maxHeadBytes());
                        out.append(h).append('\n');
                    }
                    case ResponseHead h -> {
                        checkFields(h.headers(), limits.maxHeaderCount(), limits.maxHeadBytes());
                        out.append(h).append('\n');
                    }
                    case BodyBytes b -> {
                        assertThat(b.length()).isPositive();
                        body.write(buf.array(), b.offset(), b.length());
                    }
                    case BodyEnd e -> {
                        checkFields(e.trailers(), limits.maxHeaderCount(), limits.maxTrailerBytes());
                        flushBody(out, body);
                        out.append(e).append(" leftover ").append(buf.remaining() + wire.length - fed).append('\n');
                        if (++responses == 4 || (buf.remaining() == 0 && fed == wire.length)) {
                            return out.toString();
                        }
                        decoder.reset(method);
                    }
                }
            }
        } catch (CodecException e) {
            assertThat(decoder.state()).isEqualTo(ResponseDecoder.State.FAILED);
            assertThat(e.offset()).isNotNegative();
            assertThat(e.state()).isNotEqualTo(ResponseDecoder.State.FAILED);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1000);
            flushBody(out, body);
            return out.append("failed at ").append(e.offset()).append(" in ").append(e.state()).append(": ")
                    .append(e.getMessage()).append('\n').toString();
        }
    }

    private static void checkFields(List<Field> fields, int maxCount, int maxBytes) {
        assertThat(fields).hasSizeLessThanOrEqualTo(maxCount);
        long bytes = 0;
        for (Field f : fields) {
            bytes += f.name().length() + f.value().length();
        }
        assertThat(bytes).isLessThanOrEqualTo(maxBytes);
    }

    private static void flushBody(StringBuilder out, ByteArrayOutputStream body) {
        if (body.size() > 0) {
            out.append("body ").append(body.size()).append(' ')
                    .append(new String(body.toByteArray(), StandardCharsets.ISO_8859_1).hashCode()).append('\n');
            body.reset();
        }
    }
}
