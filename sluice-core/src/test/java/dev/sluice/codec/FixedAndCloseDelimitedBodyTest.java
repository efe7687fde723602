package dev.sluice.codec;

import static dev.sluice.codec.Replay.decode;
import static dev.sluice.codec.Replay.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.codec.DecoderEvent.BodyBytes;
import dev.sluice.codec.DecoderEvent.BodyEnd;
import dev.sluice.codec.DecoderEvent.ResponseHead;
import dev.sluice.codec.ResponseDecoder.State;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bodies delimited by Content-Length (RFC 9112 §6.3 ¶6) and by the connection's close (¶8). */
class FixedAndCloseDelimitedBodyTest {

    private static final String HEAD_5 = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";

    @Test
    void fixedBodyIsExactlyContentLengthBytes() {
        var decoded = decode(HEAD_5 + "hello");

        assertThat(decoded.head().framing()).isEqualTo(new BodyFraming.FixedLength(5));
        assertThat(decoded.head().persistent()).isTrue();
        assertThat(decoded.body()).isEqualTo("hello");
        assertThat(decoded.leftover()).isEmpty();
    }

    @Test
    void fixedBodyMayHoldAnyOctets() {
        var decoded = decode(HEAD_5 + "\r\n\0\r\u00ff");

        assertThat(decoded.body()).isEqualTo("\r\n\0\r\u00ff");
    }

    @Test
    void bytesBeyondContentLengthAreLeftOver() {
        var decoded = decode(HEAD_5 + "hello, world");

        assertThat(decoded.body()).isEqualTo("hello");
        assertThat(decoded.leftover()).isEqualTo(", world");
    }

    @Test
    void zeroContentLengthEndsRightAfterTheHead() {
        var decoded = decode("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        assertThat(decoded.events()).hasSize(2);
        assertThat(decoded.events().get(1)).isEqualTo(new BodyEnd(List.of()));
    }

    @Test
    void noContentEndsRightAfterTheHeadWithoutReadingMore() throws Exception {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        ByteBuffer buf = ByteBuffer.wrap(Replay.bytes("HTTP/1.1 204 No Content\r\n\r\n"));

        assertThat(decoder.decode(buf)).isInstanceOf(ResponseHead.class);
        assertThat(decoder.decode(buf)).isEqualTo(new BodyEnd(List.of()));
        assertThat(buf.hasRemaining()).isFalse();
    }

    @Test
    void bodyBytesAreAViewOfTheCallersBufferAtItsPosition() throws Exception {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        byte[] wire = Replay.bytes("junk" + HEAD_5 + "hello+more");
        ByteBuffer buf = ByteBuffer.wrap(wire).position(4);

        decoder.decode(buf);
        DecoderEvent bytes = decoder.decode(buf);

        int bodyAt = 4 + HEAD_5.length();
        assertThat(bytes).isEqualTo(new BodyBytes(bodyAt, 5));
        assertThat(buf.position()).isEqualTo(bodyAt + 5);
        assertThat(decoder.decode(buf)).isEqualTo(new BodyEnd(List.of()));
        assertThat(buf.position()).as("leftover not consumed").isEqualTo(bodyAt + 5);
    }

    @Test
    void aLargeBufferedBodyComesAsOneEventWithoutPerByteWork() throws Exception {
        int size = 8 * 1024 * 1024;
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        byte[] head = Replay.bytes("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
        ByteBuffer buf = ByteBuffer.allocateDirect(head.length + size).put(head).position(head.length + size).flip();

        decoder.decode(buf);

        assertThat(decoder.decode(buf)).isEqualTo(new BodyBytes(head.length, size));
        assertThat(decoder.bodyBytesReceived()).isEqualTo(size);
    }

    @Test
    void emptyBufferInTheBodyAsksForInput() throws Exception {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        ByteBuffer buf = ByteBuffer.wrap(Replay.bytes(HEAD_5));
        decoder.decode(buf);

        assertThat(decoder.decode(buf)).isSameAs(DecoderEvent.NEED_INPUT);
        assertThat(decoder.state()).isEqualTo(State.FIXED_BODY);
    }

    @Test
    void fixedBodyCutShortSaysHowMuchCame() {
        CodecException e = failure(HEAD_5 + "hel");

        assertThat(e.getMessage()).isEqualTo("body ended after 3 of 5 bytes (Content-Length)");
        assertThat(e.offset()).isEqualTo(HEAD_5.length() + 3);
        assertThat(e.state()).isEqualTo(State.FIXED_BODY);
    }

    @Test
    void fixedBodyCutBeforeItsFirstByteSaysSo() {
        CodecException e = failure(HEAD_5);

        assertThat(e.getMessage()).isEqualTo("body ended after 0 of 5 bytes (Content-Length)");
    }

    @Test
    void closeDelimitedBodyRunsUntilTheCloseAndNeverPersists() {
        var decoded = decode("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n");

        assertThat(decoded.head().framing()).isEqualTo(new BodyFraming.UntilClose());
        assertThat(decoded.head().persistent()).isFalse();
        assertThat(decoded.body()).isEqualTo("all of this\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n");
        assertThat(decoded.leftover()).isEmpty();
    }

    @Test
    void closeDelimitedBodyMayBeEmpty() {
        var decoded = decode("HTTP/1.0 200 OK\r\n\r\n");

        assertThat(decoded.events()).hasSize(2);
        assertThat(decoded.events().get(1)).isEqualTo(new BodyEnd(List.of()));
    }

    @Test
    void closeDelimitedBodyTakesTheWholeBufferEachTime() throws Exception {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        ByteBuffer buf = ByteBuffer.wrap(Replay.bytes("HTTP/1.1 200 OK\r\n\r\n0123456789"));
        decoder.decode(buf);

        assertThat(decoder.decode(buf)).isEqualTo(new BodyBytes(19, 10));
        assertThat(decoder.decode(buf)).isSameAs(DecoderEvent.NEED_INPUT);
        assertThat(decoder.endOfInput()).isEqualTo(new BodyEnd(List.of()));
        assertThat(decoder.state()).isEqualTo(State.DONE);
        assertThat(decoder.bodyBytesReceived()).isEqualTo(10);
    }

    @Test
    void closeAfterACompleteFixedBodyEndsItCleanly() throws Exception {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        ByteBuffer buf = ByteBuffer.wrap(Replay.bytes(HEAD_5 + "hello"));
        decoder.decode(buf);
        decoder.decode(buf);

        // Every announced byte came; the close only arrived before the caller asked for BodyEnd.
        assertThat(decoder.endOfInput()).isEqualTo(new BodyEnd(List.of()));
    }
}
