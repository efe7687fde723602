package dev.sluice.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Finds one line (status line, field line, chunk-size line) at the position of the caller's
 * buffer, without consuming a partial one.
 *
 * <p>A line ends with CRLF or with a bare LF (RFC 9112 §2.2 lets a recipient accept LF alone).
 * A CR that is not followed by LF, and a NUL, are errors wherever they appear. The reader
 * remembers how far it has already scanned an incomplete line, so that a line arriving one
 * byte at a time costs linear, not quadratic, work; this relies on the decoder's contract that
 * unconsumed bytes are presented again, unchanged, at the position of the next call.
 */
final class LineReader {

    /** First size of the line copy; it grows by doubling up to the longest line allowed. */
    private static final int INITIAL_LINE_CAPACITY = 256;
    /** Bytes copied from the buffer at a time to be scanned: a few lines of a head. */
    private static final int SCAN_STEP = 128;

    /** Bytes after the buffer's position already scanned and known to hold no line end. */
    private int scanned;
    private byte[] line = new byte[INITIAL_LINE_CAPACITY];
    private int length;

    /** Forgets any partial scan, for a new response or after a consumed line. */
    void forget() {
        scanned = 0;
    }

    /**
     * Looks for a complete line at {@code buf.position()}. When one is there, copies its content
     * (terminator excluded) to {@link #bytes()}, moves the position past its terminator and
     * returns the bytes it occupied (at least 1, for the LF).
     *
     * @param buf            the caller's buffer
     * @param maxBytes       most bytes the line may occupy, terminator included
     * @param what           what the limit is of ({@code "response head"}), for the message
     *                       of the exception thrown when the line cannot fit
     * @param limitBytes     that limit in bytes, for the same message
     * @param lineOffset     response offset of the buffer's position, for error offsets
     * @param state          the decoder state, for exceptions
     * @return the bytes the line occupied, or 0 when no complete line is buffered yet
     * @throws CodecException on NUL, on a CR not followed by LF, or when the line cannot fit in
     *                        {@code maxBytes} (thrown as soon as that is certain)
     */
    int next(ByteBuffer buf, int maxBytes, String what, int limitBytes, long lineOffset, ResponseDecoder.State state)
            throws CodecException {
        int start = buf.position();
        int limit = buf.limit();
        if (scanned > limit - start) {
            scanned = 0; // not the bytes we saw last time: scan again rather than trust the memo
        }
        // Never scan past what the line may occupy: the rest of a large buffer is not our business yet.
        int avail = (int) Math.min(limit - start, (long) maxBytes);
        // The bytes are copied into the line array a step at a time and scanned there, where
        // the line's content is wanted anyway: reading a byte array costs a fraction of a
        // buffer's get(int) per byte while the JIT has not compiled this loop yet, which is
        // most of the heads a short-lived program reads. Bytes [0, scanned) are there already.
        for (int from = scanned; from < avail; ) {
            int n = Math.min(avail - from, SCAN_STEP);
            if (from + n > line.length) {
                line = Arrays.copyOf(line, Math.max(from + n, line.length * 2));
            }
            byte[] l = line;
            buf.get(start + from, l, from, n);
            for (int i = from, stop = from + n; i < stop; i++) {
                byte b = l[i];
                if (b == '\n') {
                    return found(buf, start, i, i + 1);
                }
                if (b == '\r') {
                    if (i + 2 > maxBytes) {
                        // A CR in the last byte the line may occupy: whatever follows, the line
                        // cannot fit (CRLF needs one byte more, and a bare CR is an error anyway).
                        // Waiting for that byte would ask a caller whose buffer holds exactly
                        // maxBytes for more room than the limit promises it needs.
                        throw tooLong(what, limitBytes, lineOffset + maxBytes, state);
                    }
                    if (start + i + 1 == limit) {
                        scanned = i; // whether this CR ends the line depends on a byte not yet here
                        return 0;
                    }
                    byte after = buf.get(start + i + 1);
                    if (after != '\n') {
                        throw new CodecException("CR not followed by LF (followed by "
                                + CharClass.describe(after & 0xFF) + ")", lineOffset + i, state);
                    }
                    return found(buf, start, i, i + 2);
                }
                if (b == 0) {
                    throw new CodecException("NUL byte in " + where(state), lineOffset + i, state);
                }
            }
            from += n;
        }
        if (avail >= maxBytes) {
            // maxBytes octets and still no LF: the line, LF included, cannot fit any more.
            throw tooLong(what, limitBytes, lineOffset + maxBytes, state);
        }
        scanned = avail;
        return 0;
    }

    /** Returns the content of the last line found; valid up to {@link #length()}. */
    byte[] bytes() {
        return line;
    }

    /** Returns the content length of the last line found, terminator excluded. */
    int length() {
        return length;
    }

    /** The line is in the array already: {@code length} bytes of content, {@code occupied} with its end. */
    private int found(ByteBuffer buf, int start, int length, int occupied) {
        this.length = length;
        buf.position(start + occupied);
        scanned = 0;
        return occupied;
    }

    private static String where(ResponseDecoder.State state) {
        return switch (state) {
            case STATUS_LINE -> "the status line";
            case HEADERS -> "the header section";
            case CHUNK_SIZE -> "a chunk-size line";
            case TRAILERS -> "the trailer section";
            case FIXED_BODY, UNTIL_CLOSE_BODY, CHUNK_DATA, CHUNK_DATA_CRLF, DONE, FAILED -> state.name();
        };
    }

    /** Made only when thrown: building the message for every line cost each connection three concatenations. */
    private static CodecException tooLong(String what, int limitBytes, long offset, ResponseDecoder.State state) {
        return new CodecException(what + " exceeds " + limitBytes + " bytes", offset, state);
    }
}
