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
 * Parsing one typical response head (status line and ten fields, as nginx or a CDN sends them)
 * from a direct buffer, the kind a plain connection reads into. One operation is one head.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ResponseHeadBenchmark {
    static final String HEAD = """
            HTTP/1.1 200 OK\r
            Server: nginx/1.22.1\r
            Date: Thu, 27 Nov 2025 03:37:00 GMT\r
            Content-Type: application/json; charset=utf-8\r
            Content-Length: 1024\r
            Last-Modified: Wed, 26 Nov 2025 18:02:11 GMT\r
            Connection: keep-alive\r
            ETag: "6927416b-400"\r
            Cache-Control: public, max-age=3600\r
            Accept-Ranges: bytes\r
            Vary: Accept-Encoding\r
            \r
            """;

    private ByteBuffer buf;
    private ResponseDecoder decoder;

    @Setup
    public void setUp() throws CodecException {
        byte[] bytes = HEAD.getBytes(StandardCharsets.US_ASCII);
        buf = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        decoder = new ResponseDecoder(Limits.DEFAULT);
        if (!(head() instanceof DecoderEvent.ResponseHead h) || h.headers().size() != 10) {
            throw new IllegalStateException("the benchmark's head does not decode to a 10-field head");
        }
    }

    @Benchmark
    public DecoderEvent head() throws CodecException {
        buf.position(0);
        decoder.reset("GET");
        return decoder.decode(buf);
    }
}
