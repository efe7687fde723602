package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.codec.DecoderEvent.BodyBytes;
import dev.sluice.codec.DecoderEvent.BodyEnd;
import dev.sluice.codec.DecoderEvent.ResponseHead;
import dev.sluice.codec.ResponseDecoder.State;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fast path for large bodies: {@link ResponseDecoder#directReadLimit()} says how much the
 * caller may read past the decoder, {@link ResponseDecoder#consumedDirectly(long)} books it.
 */
class DirectReadTest {

    private final ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);

    @Test
    void fixedBodyMayBeReadDirectlyToItsEndAndThenEndsWithAnEmptyBuffer() throws Exception {
        ByteBuffer buf = start("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
        assertThat(decoder.directReadLimit()).isEqualTo(5000);

        decoder.consumedDirectly(1000);
        assertThat(decoder.directReadLimit()).isEqualTo(4000);
        decoder.consumedDirectly(4000);

        assertThat(decoder.directReadLimit()).isZero();
        assertThat(decoder.decode(buf)).isEqualTo(new BodyEnd(List.of()));
        assertThat(decoder.bodyBytesReceived()).isEqualTo(5000);
    }

    @Test
    void fixedBodyTakenWhollyEndsWithoutADecodeCall() throws Exception {
        start("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        decoder.consumedDirectly(5);

        assertThat(decoder.endFixedBody()).isEqualTo(new BodyEnd(List.of()));
        assertThat(decoder.state()).isEqualTo(ResponseDecoder.State.DONE);
        assertThat(decoder.bodyBytesReceived()).isEqualTo(5);
    }

    @Test
    void fixedBodyCannotEndWithBytesLeftOrInAnotherFraming() throws Exception {
        start("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        decoder.consumedDirectly(4);

        assertThatThrownBy(decoder::endFixedBody).isInstanceOf(IllegalStateException.class).hasMessageContaining("1 bytes left");
        assertThat(decoder.state()).isEqualTo(ResponseDecoder.State.FIXED_BODY);

        ResponseDecoder chunked = new ResponseDecoder(Limits.DEFAULT);
        chunked.reset("GET");
        chunked.decode(ByteBuffer.wrap(Replay.bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")));
        assertThatThrownBy(chunked::endFixedBody).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void directAndBufferedReadsMix() throws Exception {
        ByteBuffer buf = start("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        assertThat(decoder.decode(buf)).isInstanceOf(BodyBytes.class);
        assertThat(decoder.directReadLimit()).isEqualTo(7);

        decoder.consumedDirectly(4);
        ByteBuffer rest = ByteBuffer.wrap(Replay.bytes("xyz"));

        assertThat(decoder.decode(rest)).isEqualTo(new BodyBytes(0, 3));
        assertThat(decoder.decode(rest)).isEqualTo(new BodyEnd(List.of()));
    }

    @Test
    void gibibyteBodyReadDirectlyCostsOneCallPerRead() throws Exception {
        long size = 1L << 30;
        ByteBuffer buf = start("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
        int reads = 0;
        while (decoder.directReadLimit() > 0) {
            decoder.consumedDirectly(Math.min(decoder.directReadLimit(), 1 << 20));
            reads++;
        }

        assertThat(reads).isEqualTo(1024);
        assertThat(decoder.decode(buf)).isEqualTo(new BodyEnd(List.of()));
    }

    @Test
    void truncationAfterDirectReadsIsReportedWithTheDirectBytesCounted() throws Exception {
        start("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
        decoder.consumedDirectly(1000);

        assertThatThrownBy(decoder::endOfInput)
                .isInstanceOf(CodecException.class)
                .hasMessage("body ended after 1000 of 5000 bytes (Content-Length)");
        assertThat(decoder.state()).isEqualTo(State.FAILED);
    }

    @Test
    void chunkDataMayBeReadDirectlyUpToTheChunksEnd() throws Exception {
        ByteBuffer buf = start("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n");
        assertThat(decoder.decode(buf)).isSameAs(DecoderEvent.NEED_INPUT);
        assertThat(decoder.state()).isEqualTo(State.CHUNK_DATA);
        assertThat(decoder.directReadLimit()).isEqualTo(4096);

        decoder.consumedDirectly(10);
        assertThat(decoder.directReadLimit()).isEqualTo(4086);
        decoder.consumedDirectly(4086);

        assertThat(decoder.state()).isEqualTo(State.CHUNK_DATA_CRLF);
        assertThat(decoder.directReadLimit()).isZero();
        assertThat(decoder.decode(ByteBuffer.wrap(Replay.bytes("\r\n0\r\n\r\n")))).isEqualTo(new BodyEnd(List.of()));
        assertThat(decoder.bodyBytesReceived()).isEqualTo(4096);
    }

    @Test
    void closeInsideADirectlyReadChunkSaysHowMuchCame() throws Exception {
        ByteBuffer buf = start("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n");
        decoder.decode(buf);
        decoder.consumedDirectly(10);

        assertThatThrownBy(decoder::endOfInput).hasMessage("connection closed inside chunk: 10 of 4096 bytes");
    }

    @Test
    void hugeChunkSizeIsAcceptedAndReadDirectly() throws Exception {
        ByteBuffer buf = start("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc");

        assertThat(decoder.decode(buf)).isInstanceOf(BodyBytes.class);
        assertThat(decoder.directReadLimit()).isEqualTo(Long.MAX_VALUE - 3);
    }

    @Test
    void closeDelimitedBodyHasNoDirectReadLimitAndEndsAtClose() throws Exception {
        start("HTTP/1.1 200 OK\r\n\r\n");
        assertThat(decoder.directReadLimit()).isEqualTo(Long.MAX_VALUE);

        decoder.consumedDirectly(123_456_789L);

        assertThat(decoder.directReadLimit()).isEqualTo(Long.MAX_VALUE);
        assertThat(decoder.endOfInput()).isEqualTo(new BodyEnd(List.of()));
        assertThat(decoder.bodyBytesReceived()).isEqualTo(123_456_789L);
    }

    @Test
    void nothingMayBeReadDirectlyOutsideBodyData() throws Exception {
        assertThat(decoder.directReadLimit()).as("before reset").isZero();
        decoder.reset("GET");
        assertThat(decoder.directReadLimit()).as("STATUS_LINE").isZero();

        ByteBuffer buf = ByteBuffer.wrap(Replay.bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"));
        decoder.decode(buf);
        assertThat(decoder.state()).isEqualTo(State.HEADERS);
        assertThat(decoder.directReadLimit()).as("HEADERS").isZero();

        decoder.decode(ByteBuffer.wrap(Replay.bytes("\r\n")));
        assertThat(decoder.state()).isEqualTo(State.CHUNK_SIZE);
        assertThat(decoder.directReadLimit()).as("CHUNK_SIZE").isZero();

        decoder.decode(ByteBuffer.wrap(Replay.bytes("1\r\nx")));
        assertThat(decoder.state()).isEqualTo(State.CHUNK_DATA_CRLF);
        assertThat(decoder.directReadLimit()).as("CHUNK_DATA_CRLF").isZero();

        decoder.decode(ByteBuffer.wrap(Replay.bytes("\r\n0\r\n")));
        assertThat(decoder.state()).isEqualTo(State.TRAILERS);
        assertThat(decoder.directReadLimit()).as("TRAILERS").isZero();

        decoder.decode(ByteBuffer.wrap(Replay.bytes("\r\n")));
        assertThat(decoder.state()).isEqualTo(State.DONE);
        assertThat(decoder.directReadLimit()).as("DONE").isZero();
    }

    @Test
    void consumingMoreThanTheLimitIsRejected() throws Exception {
        start("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");

        assertThatThrownBy(() -> decoder.consumedDirectly(6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decoder.consumedDirectly(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(decoder.directReadLimit()).as("unchanged after rejection").isEqualTo(5);
    }

    @Test
    void consumingAnythingOutsideBodyDataIsRejected() {
        decoder.reset("GET");

        assertThatThrownBy(() -> decoder.consumedDirectly(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void offsetsAfterDirectReadsCountTheDirectBytes() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n";
        ByteBuffer buf = start(head);
        decoder.decode(buf);
        decoder.consumedDirectly(5);

        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(Replay.bytes("X"))))
                .isInstanceOf(CodecException.class)
                .hasMessage("expected CRLF after chunk data, got 0x58")
                .extracting(e -> ((CodecException) e).offset()).isEqualTo((long) head.length() + 5);
    }

    /** Resets for GET and decodes the head; returns the buffer with what follows the head. */
    private ByteBuffer start(String wire) throws CodecException {
        decoder.reset("GET");
        ByteBuffer buf = ByteBuffer.wrap(Replay.bytes(wire));
        assertThat(decoder.decode(buf)).isInstanceOf(ResponseHead.class);
        return buf;
    }
}
