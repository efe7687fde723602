package dev.sluice.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A parsed status line (RFC 9112 §4): {@code HTTP/1.x SP 3DIGIT SP reason-phrase}. The SP and
 * reason may be missing altogether ("HTTP/1.1 200"), which RFC 9112 §4 asks clients to accept.
 *
 * @param minorVersion the x in HTTP/1.x
 * @param status       the status code as sent, 000..999: RFC 9112 §4 allows any three digits, and
 *                     RFC 9110 §15 has a client treat one outside 100..599 as a 5xx (the caller's
 *                     part: the decoder only takes it for a final response)
 * @param reason       the reason phrase, possibly empty
 */
record StatusLine(int minorVersion, int status, String reason) {

    /** "HTTP/1.1 200" is the shortest valid status line. */
    private static final int MIN_LENGTH = 12;

    /**
     * Parses the content of a status line, terminator excluded.
     *
     * @param lineOffset response offset of the line's first byte, for error offsets
     */
    static StatusLine parse(byte[] line, int length, long lineOffset) throws CodecException {
        ResponseDecoder.State state = ResponseDecoder.State.STATUS_LINE;
        if (length < MIN_LENGTH || !startsWithHttpSlash(line) || !isDigit(line[5]) || line[6] != '.'
                || !isDigit(line[7]) || line[8] != ' ') {
            throw new CodecException("malformed status line " + CharClass.quote(line, length), lineOffset, state);
        }
        if (line[5] != '1') {
            throw new CodecException("unsupported HTTP version in status line " + CharClass.quote(line, length)
                    + ": only HTTP/1.x is spoken here", lineOffset + 5, state);
        }
        if (!isDigit(line[9]) || !isDigit(line[10]) || !isDigit(line[11])) {
            throw new CodecException("status code is not three digits in status line "
                    + CharClass.quote(line, length), lineOffset + 9, state);
        }
        int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        if (length > MIN_LENGTH && line[MIN_LENGTH] != ' ') {
            throw new CodecException("expected SP after the status code in status line "
                    + CharClass.quote(line, length), lineOffset + MIN_LENGTH, state);
        }
        int reasonStart = Math.min(length, MIN_LENGTH + 1);
        boolean obsText = false;
        for (int i = reasonStart; i < length; i++) {
            int c = line[i] & 0xFF;
            if (!CharClass.isFieldValueOctet(c)) {
                throw new CodecException("reason phrase contains " + CharClass.describe(c), lineOffset + i, state);
            }
            obsText |= c >= 0x80;
        }
        String reason = obsText ? text(line, reasonStart, length - reasonStart)
                : new String(line, reasonStart, length - reasonStart, StandardCharsets.ISO_8859_1);
        return new StatusLine(line[7] - '0', status, reason);
    }

    /**
     * A reason phrase with octets beyond ASCII (RFC 9112 §4's obs-text), as its sender most
     * likely meant it: UTF-8 when the octets are UTF-8 ("Datei nicht gefunden: über", as
     * servers that localise their reasons send it), else ISO-8859-1, one character per octet.
     */
    private static String text(byte[] line, int from, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, from, length)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(line, from, length, StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean startsWithHttpSlash(byte[] line) {
        return line[0] == 'H' && line[1] == 'T' && line[2] == 'T' && line[3] == 'P' && line[4] == '/';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
