package dev.sluice.codec;

import java.nio.charset.StandardCharsets;

/**
 * Frames a request body in the chunked transfer coding (RFC 9112 §7.1): for each piece of data
 * write {@link #chunkHeader(int)}, the data, then {@link #CRLF}; end with {@link #lastChunk()}.
 *
 * <pre>{@code
 * out.write(ChunkedEncoder.chunkHeader(n)); out.write(data, 0, n); out.write(ChunkedEncoder.CRLF);
 * out.write(ChunkedEncoder.lastChunk());
 * }</pre>
 */
public final class ChunkedEncoder {

    /**
     * The CRLF that ends each chunk's data. It is a shared array, exposed as an array so that it
     * can go straight to {@code OutputStream.write}: never modify it.
     */
    public static final byte[] CRLF = {'\r', '\n'};

    /** The last chunk with no trailers. */
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private ChunkedEncoder() {
    }

    /**
     * Returns the chunk-size line for a chunk of {@code length} bytes: lower-case hex, then CRLF.
     *
     * @param length the chunk's data length, {@code > 0} (a zero-length chunk would end the body:
     *               use {@link #lastChunk()})
     * @return a new array, such as {@code "1f40\r\n"}
     * @throws IllegalArgumentException if {@code length <= 0}
     */
    public static byte[] chunkHeader(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("chunk length must be > 0 (use lastChunk() to end), got " + length);
        }
        return (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Returns the end of a chunked body without trailers, {@code "0\r\n\r\n"}.
     *
     * @return a new array each time, so callers may keep or modify it
     */
    public static byte[] lastChunk() {
        return LAST_CHUNK.clone();
    }
}
