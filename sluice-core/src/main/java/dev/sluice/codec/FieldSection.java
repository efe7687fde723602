package dev.sluice.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the field lines of one header or trailer section (RFC 9112 §5), checking each
 * against RFC 9110 §5 and unfolding obsolete line folding (RFC 9112 §5.2).
 */
final class FieldSection {

    private final String kind;
    private final int maxFields;
    private final ArrayList<Field> fields = new ArrayList<>();
    /** Lines added since {@link #clear()}, obs-fold continuation lines included: what maxFields bounds. */
    private int lineCount;
    /**
     * The value of the last field while obs-fold lines extend it, else null. One builder keeps a
     * long run of continuation lines linear in time and memory; a new joined string per line
     * would copy the whole value again each time.
     */
    private StringBuilder foldedValue;

    /**
     * @param kind      "header" or "trailer", for messages
     * @param maxFields most field lines accepted in one section, obs-fold continuation lines included
     */
    FieldSection(String kind, int maxFields) {
        this.kind = kind;
        this.maxFields = maxFields;
    }

    /** Empties the section for the next head or trailer block. */
    void clear() {
        fields.clear();
        lineCount = 0;
        foldedValue = null;
    }

    /** Returns an immutable copy of the fields collected so far. */
    List<Field> toList() {
        if (foldedValue != null) {
            finishFold();
        }
        return List.copyOf(fields);
    }

    /**
     * Adds one non-empty field line.
     *
     * @param line       the line content, terminator excluded
     * @param length     content length, {@code > 0}
     * @param lineOffset response offset of the line's first byte, for error offsets
     * @param state      the decoder state, for exceptions
     */
    void add(byte[] line, int length, long lineOffset, ResponseDecoder.State state) throws CodecException {
        if (CharClass.isWhitespace(line[0] & 0xFF)) {
            unfold(line, length, lineOffset, state);
            return;
        }
        if (foldedValue != null) {
            finishFold();
        }
        int colon = indexOf(line, length, ':');
        if (colon < 0) {
            throw new CodecException(kind + " field line without a colon: " + CharClass.quote(line, length),
                    lineOffset, state);
        }
        if (colon == 0) {
            throw new CodecException(kind + " field line with an empty name", lineOffset, state);
        }
        for (int i = 0; i < colon; i++) {
            int c = line[i] & 0xFF;
            if (CharClass.isWhitespace(c)) {
                // RFC 9112 §5.1: a recipient MUST reject whitespace between name and colon (smuggling risk).
                throw new CodecException("whitespace in " + kind + " field name "
                        + CharClass.quote(line, colon), lineOffset + i, state);
            }
            if (!CharClass.isTokenChar(c)) {
                throw new CodecException(kind + " field name " + CharClass.quote(line, colon) + " contains "
                        + CharClass.describe(c), lineOffset + i, state);
            }
        }
        countLine(lineOffset, state, "");
        String name = new String(line, 0, colon, StandardCharsets.ISO_8859_1);
        fields.add(new Field(name, value(line, colon + 1, length, name, lineOffset, state)));
    }

    /** RFC 9112 §5.2: a user agent replaces each obs-fold with SP before using the value. */
    private void unfold(byte[] line, int length, long lineOffset, ResponseDecoder.State state) throws CodecException {
        if (fields.isEmpty()) {
            // RFC 9112 §2.2: whitespace before the first field line could hide a field from us
            // that another parser would see; reject rather than guess.
            throw new CodecException("whitespace at the start of the first " + kind + " field line",
                    lineOffset, state);
        }
        // A continuation line costs the parser what a field line costs, so it counts like one.
        countLine(lineOffset, state, " (folded continuation lines count as fields)");
        Field previous = fields.getLast();
        String continuation = value(line, 0, length, previous.name(), lineOffset, state);
        if (continuation.isEmpty()) {
            return;
        }
        if (foldedValue == null) {
            foldedValue = new StringBuilder(previous.value());
        }
        if (!foldedValue.isEmpty()) {
            foldedValue.append(' ');
        }
        foldedValue.append(continuation);
    }

    /** Replaces the last field's value by its unfolded value, once no more continuation can come. */
    private void finishFold() {
        Field last = fields.getLast();
        fields.set(fields.size() - 1, new Field(last.name(), foldedValue.toString()));
        foldedValue = null;
    }

    private void countLine(long lineOffset, ResponseDecoder.State state, String note) throws CodecException {
        if (lineCount == maxFields) {
            throw new CodecException("more than " + maxFields + " " + kind + " fields" + note, lineOffset, state);
        }
        lineCount++;
    }

    private String value(byte[] line, int from, int to, String name, long lineOffset, ResponseDecoder.State state)
            throws CodecException {
        for (int i = from; i < to; i++) {
            int c = line[i] & 0xFF;
            if (!CharClass.isFieldValueOctet(c)) {
                throw new CodecException("value of " + kind + " field " + CharClass.quote(name) + " contains "
                        + CharClass.describe(c), lineOffset + i, state);
            }
        }
        int start = from;
        int end = to;
        while (start < end && CharClass.isWhitespace(line[start])) {
            start++;
        }
        while (end > start && CharClass.isWhitespace(line[end - 1])) {
            end--;
        }
        return new String(line, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(byte[] line, int length, char c) {
        for (int i = 0; i < length; i++) {
            if (line[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
