package dev.sluice.bench.codec;

import dev.sluice.codec.CodecException;
import dev.sluice.codec.DecoderEvent;
import dev.sluice.codec.Limits;
import dev.sluice.codec.ResponseDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding a chunked response of {@link #CHUNKS} chunks of 64 KiB (1 MiB of body) that sits whole
 * in one direct buffer. One operation is one response, head included; body bytes per second are
 * operations per second times {@link #BODY_BYTES}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChunkedBodyBenchmark {
    public static final int CHUNK = 64 * 1024;
    public static final int CHUNKS = 16;
    public static final long BODY_BYTES = (long) CHUNK * CHUNKS;

    private ByteBuffer buf;
    private ResponseDecoder decoder;

    @Setup
    public void setUp() throws CodecException {
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] size = (Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[CHUNK];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7); // CR and LF inside the data must not matter
        }
        byte[] end = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        buf = ByteBuffer.allocateDirect(head.length + CHUNKS * (size.length + CHUNK + 2) + end.length);
        buf.put(head);
        for (int i = 0; i < CHUNKS; i++) {
            buf.put(size).put(data).put((byte) '\r').put((byte) '\n');
        }
        buf.put(end).flip();
        decoder = new ResponseDecoder(Limits.DEFAULT);
        if (response() != BODY_BYTES) {
            throw new IllegalStateException("the benchmark's body does not decode to " + BODY_BYTES + " bytes");
        }
    }

    @Benchmark
    public long response() throws CodecException {
        buf.position(0);
        decoder.reset("GET");
        long body = 0;
        while (true) {
            DecoderEvent e = decoder.decode(buf);
            if (e instanceof DecoderEvent.BodyBytes b) {
                body += b.length();
            } else if (e instanceof DecoderEvent.BodyEnd) {
                return body;
            } else if (e instanceof DecoderEvent.NeedInput) {
                throw new IllegalStateException("the whole response is in the buffer");
            }
        }
    }
}
