package dev.sluice.codec;

import static dev.sluice.codec.Replay.decode;
import static dev.sluice.codec.Replay.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.codec.ResponseDecoder.State;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every {@link Limits} bound: exactly at the limit passes, one over fails and names the limit. */
class LimitsTest {

    private static final String CHUNKED_HEAD = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

    @Test
    void defaultsAreTheDocumentedValues() {
        assertThat(Limits.DEFAULT).isEqualTo(new Limits(64 * 1024, 200, 16, 16 * 1024));
    }

    @Test
    void zeroOrNegativeLimitsAreRejected() {
        assertThatThrownBy(() -> new Limits(0, 1, 1, 1)).hasMessage("maxHeadBytes must be > 0, got 0");
        assertThatThrownBy(() -> new Limits(1, -1, 1, 1)).hasMessage("maxHeaderCount must be > 0, got -1");
        assertThatThrownBy(() -> new Limits(1, 1, 0, 1)).hasMessage("maxChunkSizeDigits must be > 0, got 0");
        assertThatThrownBy(() -> new Limits(1, 1, 1, 0)).hasMessage("maxTrailerBytes must be > 0, got 0");
    }

    @Test
    void headExactlyAtTheLimitIsAccepted() {
        String head = headOfSize(100);

        assertThat(decode("GET", head, limits(100, 200, 16, 1024)).head().status()).isEqualTo(200);
    }

    @Test
    void headOneByteOverTheLimitIsRejected() {
        CodecException e = failure("GET", headOfSize(101), limits(100, 200, 16, 1024));

        assertThat(e.getMessage()).isEqualTo("response head exceeds 100 bytes");
        assertThat(e.offset()).isEqualTo(100);
        assertThat(e.state()).isEqualTo(State.HEADERS);
    }

    @Test
    void headExactlyAtTheDefaultLimitIsAcceptedAndOneMoreByteIsNot() throws Exception {
        assertThat(decodeWhole(headOfSize(Limits.DEFAULT_MAX_HEAD_BYTES))).isInstanceOf(DecoderEvent.ResponseHead.class);

        assertThatThrownBy(() -> decodeWhole(headOfSize(Limits.DEFAULT_MAX_HEAD_BYTES + 1)))
                .isInstanceOf(CodecException.class)
                .hasMessage("response head exceeds 65536 bytes");
    }

    @Test
    void statusLineLongerThanTheLimitIsRejected() {
        CodecException e = failure("GET", "HTTP/1.1 200 " + "r".repeat(100) + "\r\n\r\n", limits(100, 200, 16, 1024));

        assertThat(e.getMessage()).isEqualTo("response head exceeds 100 bytes");
        assertThat(e.state()).isEqualTo(State.STATUS_LINE);
    }

    @Test
    void neverEndingHeaderLineFailsOnceItExceedsTheLimitInsteadOfWaiting() throws Exception {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        buf.put(Replay.bytes("HTTP/1.1 200 OK\r\nX-Endless: ")).flip();
        byte[] piece = new byte[1000];
        Arrays.fill(piece, (byte) 'a');
        long fed = buf.remaining();

        CodecException thrown = null;
        while (thrown == null && fed < 200_000) {
            try {
                assertThat(decoder.decode(buf)).isSameAs(DecoderEvent.NEED_INPUT);
                buf.compact().put(piece).flip();
                fed += piece.length;
            } catch (CodecException e) {
                thrown = e;
            }
        }

        assertThat(thrown).isNotNull().hasMessage("response head exceeds 65536 bytes");
        assertThat(fed).isBetween(65_536L, 65_536L + piece.length);
    }

    @Test
    void bufferFullOfAnUnterminatedLineFailsOnTheFirstCall() {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        ByteBuffer buf = ByteBuffer.wrap(Replay.bytes("HTTP/1.1 200 OK\r\nX: " + "a".repeat(70_000)));

        assertThatThrownBy(() -> decoder.decode(buf))
                .isInstanceOf(CodecException.class)
                .hasMessage("response head exceeds 65536 bytes");
    }

    @Test
    void eachHeadIsMeasuredOnItsOwn() {
        String interim = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n";
        String finalHead = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: 1234\r\n\r\n";

        var decoded = decode("GET", interim + finalHead, limits(Math.max(interim.length(), finalHead.length()), 200, 16, 1024));

        assertThat(decoded.informational()).hasSize(1);
    }

    @Test
    void headerCountAtTheLimitIsAccepted() {
        var decoded = decode("GET", "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n", limits(1024, 3, 16, 1024));

        assertThat(decoded.head().headers()).hasSize(3);
    }

    @Test
    void headerCountOneOverTheLimitIsRejected() {
        String beforeFourth = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n";
        CodecException e = failure("GET", beforeFourth + "D: 4\r\n\r\n", limits(1024, 3, 16, 1024));

        assertThat(e.getMessage()).isEqualTo("more than 3 header fields");
        assertThat(e.offset()).isEqualTo(beforeFourth.length());
    }

    @Test
    void defaultHeaderCountAllows200FieldsButNot201() {
        String twoHundred = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" + "X: y\r\n".repeat(199);

        assertThat(decode(twoHundred + "\r\n").head().headers()).hasSize(200);
        assertThat(failure(twoHundred + "X: y\r\n\r\n")).hasMessage("more than 200 header fields");
    }

    @Test
    void foldedContinuationLinesCountTowardTheFieldLimit() {
        // Limits.maxHeaderCount bounds field lines: a continuation line costs what a field line costs.
        var decoded = decode("GET", "HTTP/1.1 200 OK\r\nA: 1\r\n 2\r\nContent-Length: 0\r\n\r\n", limits(1024, 3, 16, 1024));
        assertThat(decoded.head().headers()).isEqualTo(Replay.fields("A", "1 2", "Content-Length", "0"));

        String beforeFourth = "HTTP/1.1 200 OK\r\nA: 1\r\n 2\r\n 3\r\n";
        CodecException e = failure("GET", beforeFourth + "Content-Length: 0\r\n\r\n", limits(1024, 3, 16, 1024));
        assertThat(e.getMessage()).isEqualTo("more than 3 header fields");
        assertThat(e.offset()).isEqualTo(beforeFourth.length());

        String beforeFold = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n";
        CodecException fold = failure("GET", beforeFold + " 4\r\n\r\n", limits(1024, 3, 16, 1024));
        assertThat(fold.getMessage()).isEqualTo("more than 3 header fields (folded continuation lines count as fields)");
        assertThat(fold.offset()).isEqualTo(beforeFold.length());
    }

    @Test
    void aFloodOfFoldedLinesFailsLikeAFloodOfFields() {
        // An auditor's probe: 16,000 continuation lines fit in a 64 KiB head and were unfolded
        // by joining strings, which took quadratic time and some 150 MB on the way.
        String before201st = "HTTP/1.1 200 OK\r\nX-A: a\r\n" + " b\r\n".repeat(199);
        CodecException e = failure(before201st + " b\r\n".repeat(16_000 - 199) + "Content-Length: 2\r\n\r\nok");

        assertThat(e.getMessage()).isEqualTo("more than 200 header fields (folded continuation lines count as fields)");
        assertThat(e.offset()).isEqualTo(before201st.length());
    }

    @Test
    void manyFoldedLinesUnderAHighFieldLimitUnfoldIntoOneValue() {
        String head = "HTTP/1.1 200 OK\r\nX-A: a\r\n" + " b\r\n".repeat(16_000) + "Content-Length: 2\r\n\r\nok";

        var decoded = decode("GET", head, limits(Limits.DEFAULT_MAX_HEAD_BYTES, 20_000, 16, 1024));

        assertThat(decoded.head().headers()).isEqualTo(Replay.fields("X-A", "a" + " b".repeat(16_000), "Content-Length", "2"));
        assertThat(decoded.body()).isEqualTo("ok");
    }

    @Test
    void trailerCountIsLimitedOnItsOwn() {
        Limits three = limits(1024, 3, 16, 1024);
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nA: 1\r\nB: 2\r\n\r\n0\r\n";

        assertThat(decode("GET", head + "T: 1\r\nU: 2\r\nV: 3\r\n\r\n", three).trailers()).hasSize(3);
        assertThat(failure("GET", head + "T: 1\r\nU: 2\r\nV: 3\r\nW: 4\r\n\r\n", three))
                .hasMessage("more than 3 trailer fields");
    }

    @Test
    void trailerSectionExactlyAtTheLimitIsAccepted() {
        String trailers = "X-T: abc\r\n\r\n";

        var decoded = decode("GET", CHUNKED_HEAD + "0\r\n" + trailers, limits(1024, 200, 16, trailers.length()));

        assertThat(decoded.trailers()).hasSize(1);
    }

    @Test
    void trailerSectionOneByteOverTheLimitIsRejected() {
        String trailers = "X-T: abc\r\n\r\n";

        CodecException e = failure("GET", CHUNKED_HEAD + "0\r\n" + trailers, limits(1024, 200, 16, trailers.length() - 1));

        assertThat(e.getMessage()).isEqualTo("trailer section exceeds 11 bytes");
        assertThat(e.offset()).isEqualTo(CHUNKED_HEAD.length() + 3 + 11);
        assertThat(e.state()).isEqualTo(State.TRAILERS);
    }

    @Test
    void chunkSizeDigitsExactlyAtTheLimitAreAccepted() {
        var decoded = decode("GET", CHUNKED_HEAD + "0a\r\n0123456789\r\n00\r\n\r\n", limits(1024, 200, 2, 1024));

        assertThat(decoded.body()).isEqualTo("0123456789");
    }

    @Test
    void chunkSizeDigitsOneOverTheLimitAreRejected() {
        CodecException e = failure("GET", CHUNKED_HEAD + "10a\r\n0123456789\r\n0\r\n\r\n", limits(1024, 200, 2, 1024));

        assertThat(e.getMessage()).isEqualTo("chunk size has more than 2 hex digits");
        assertThat(e.offset()).isEqualTo(CHUNKED_HEAD.length() + 2);
    }

    @Test
    void chunkSizeLineWithExtensionsIsBoundedByTheHeadLimit() {
        Limits limits = limits(64, 200, 16, 1024);
        String atLimit = "1;" + "e".repeat(60) + "\r\n";
        assertThat(atLimit).hasSize(64);

        assertThat(decode("GET", CHUNKED_HEAD + atLimit + "x\r\n0\r\n\r\n", limits).body()).isEqualTo("x");

        CodecException e = failure("GET", CHUNKED_HEAD + "1;" + "e".repeat(61) + "\r\nx\r\n0\r\n\r\n", limits);
        assertThat(e.getMessage()).isEqualTo("chunk-size line exceeds 64 bytes");
        assertThat(e.offset()).isEqualTo(CHUNKED_HEAD.length() + 64);
    }

    @Test
    void oneHundredInterimResponsesAreAcceptedButNotOneMore() {
        String interim = "HTTP/1.1 100 Continue\r\n\r\n";
        String finalHead = "HTTP/1.1 204 No Content\r\n\r\n";

        assertThat(decode(interim.repeat(100) + finalHead).informational()).hasSize(100);
        assertThat(failure(interim.repeat(101) + finalHead)).hasMessage("more than 100 informational (1xx) responses");
    }

    /** A head of exactly {@code size} bytes, padded in one field value. */
    private static String headOfSize(int size) {
        String start = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: ";
        String end = "\r\n\r\n";
        String head = start + "p".repeat(size - start.length() - end.length()) + end;
        assertThat(head).hasSize(size);
        return head;
    }

    private static Limits limits(int headBytes, int headerCount, int chunkSizeDigits, int trailerBytes) {
        return new Limits(headBytes, headerCount, chunkSizeDigits, trailerBytes);
    }

    private static DecoderEvent decodeWhole(String input) throws CodecException {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        return decoder.decode(ByteBuffer.wrap(Replay.bytes(input)));
    }
}
