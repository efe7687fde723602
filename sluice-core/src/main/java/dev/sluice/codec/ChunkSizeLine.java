package dev.sluice.codec;

/**
 * Parses a chunk-size line, {@code chunk-size [ chunk-ext ]} (RFC 9112 §7.1). Extensions are
 * checked for forbidden octets, then ignored: nothing in sluice uses them, and they are
 * bounded by the line limit the decoder passes to its {@link LineReader}.
 */
final class ChunkSizeLine {

    private ChunkSizeLine() {
    }

    /**
     * Parses the content of a chunk-size line, terminator excluded.
     *
     * @param maxDigits  most hex digits accepted ({@link Limits#maxChunkSizeDigits()})
     * @param lineOffset response offset of the line's first byte, for error offsets
     * @return the chunk size; 0 for the last chunk
     */
    static long parse(byte[] line, int length, int maxDigits, long lineOffset) throws CodecException {
        ResponseDecoder.State state = ResponseDecoder.State.CHUNK_SIZE;
        long size = 0;
        int digits = 0;
        // Leading zeros are allowed by the grammar (1*HEXDIG) and carry no value: only the digits
        // after them count against maxDigits. The line limit bounds how many zeros can come.
        int significant = 0;
        int d;
        while (digits < length && (d = Character.digit(line[digits], 16)) >= 0) {
            if ((size != 0 || d != 0) && ++significant > maxDigits) {
                throw new CodecException("chunk size has more than " + maxDigits + " hex digits",
                        lineOffset + digits, state);
            }
            if (size > Long.MAX_VALUE >> 4) {
                throw new CodecException("chunk size " + CharClass.quote(line, digits + 1) + "... is larger than "
                        + Long.MAX_VALUE, lineOffset + digits, state);
            }
            size = (size << 4) | d;
            digits++;
        }
        if (digits == 0) {
            throw new CodecException("expected a hex chunk size, got "
                    + (length == 0 ? "an empty line" : CharClass.describe(line[0] & 0xFF)), lineOffset, state);
        }
        int i = digits;
        while (i < length && CharClass.isWhitespace(line[i])) {
            i++; // BWS before ";" (RFC 9112 §7.1.1)
        }
        if (i == length && i == digits) {
            return size;
        }
        if (i == length || line[i] != ';') {
            throw new CodecException("unexpected " + (i == length ? "whitespace" : CharClass.describe(line[i] & 0xFF))
                    + " after chunk size in " + CharClass.quote(line, length), lineOffset + i, state);
        }
        for (int j = i + 1; j < length; j++) {
            if (!CharClass.isFieldValueOctet(line[j] & 0xFF)) {
                throw new CodecException("chunk extension contains " + CharClass.describe(line[j] & 0xFF),
                        lineOffset + j, state);
            }
        }
        return size;
    }
}
