package dev.sluice.codec;

/**
 * Bounds on what a {@link ResponseDecoder} accepts from a peer, so that a hostile or broken
 * server cannot make the client buffer without end. Breaking a limit is a
 * {@link CodecException} whose message names the limit.
 *
 * <pre>{@code
 * Limits strict = new Limits(16 * 1024, 100, Limits.DEFAULT_MAX_CHUNK_SIZE_DIGITS, 4 * 1024);
 * ResponseDecoder decoder = new ResponseDecoder(strict);
 * }</pre>
 *
 * @param maxHeadBytes       most bytes in one response head: status line, field lines and
 *                           their line terminators, the final empty line included; it also
 *                           bounds one chunk-size line (chunk extensions included)
 * @param maxHeaderCount     most field lines in one head, and separately in one trailer section
 * @param maxChunkSizeDigits most significant hex digits in a chunk size (leading zeros do not
 *                           count; the line's own limit bounds them)
 * @param maxTrailerBytes    most bytes in the trailer section after the last chunk, final empty
 *                           line included
 */
public record Limits(int maxHeadBytes, int maxHeaderCount, int maxChunkSizeDigits, int maxTrailerBytes) {

    /** Default bound on one response head, in bytes: 64 KiB, far above real servers' heads. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 64 * 1024;

    /** Default bound on the number of field lines in one head or one trailer section. */
    public static final int DEFAULT_MAX_HEADER_COUNT = 200;

    /** Default bound on hex digits in a chunk size: 16 digits are enough for any signed 64-bit size. */
    public static final int DEFAULT_MAX_CHUNK_SIZE_DIGITS = 16;

    /** Default bound on the trailer section, in bytes: 16 KiB. */
    public static final int DEFAULT_MAX_TRAILER_BYTES = 16 * 1024;

    /** The defaults: 64 KiB head, 200 fields, 16 hex digits, 16 KiB trailers. */
    public static final Limits DEFAULT = new Limits(
            DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_HEADER_COUNT, DEFAULT_MAX_CHUNK_SIZE_DIGITS, DEFAULT_MAX_TRAILER_BYTES);

    /** Rejects limits that are zero or negative: they would make every response fail. */
    public Limits {
        requirePositive("maxHeadBytes", maxHeadBytes);
        requirePositive("maxHeaderCount", maxHeaderCount);
        requirePositive("maxChunkSizeDigits", maxChunkSizeDigits);
        requirePositive("maxTrailerBytes", maxTrailerBytes);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }
}
