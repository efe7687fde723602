package dev.sluice.codec;

import java.util.function.IntUnaryOperator;

/**
 * The octet classes of RFC 9110 §5.6.2 (token characters) and §5.5 (field value characters),
 * and how to show an offending octet in an error message. Shared by the decoder, which checks
 * what it receives, and the encoder, which checks what it is asked to send.
 */
final class CharClass {

    /** {@code TCHAR[c]} is true when octet c may appear in a token (RFC 9110 §5.6.2). */
    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    /** Longest excerpt of a received line quoted in an error message. */
    private static final int MAX_QUOTED_CHARS = 80;

    private CharClass() {
    }

    /** Returns whether {@code c} (a char or an unsigned octet) is a token character. */
    static boolean isTokenChar(int c) {
        return c >= 0 && c < TCHAR.length && TCHAR[c];
    }

    /** Returns whether {@code s} is a non-empty RFC 9110 token. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Returns whether octet {@code c} may appear in a field value: HTAB, SP, VCHAR or obs-text. */
    static boolean isFieldValueOctet(int c) {
        return c == '\t' || (c >= 0x20 && c != 0x7F && c <= 0xFF);
    }

    /** Returns whether {@code c} is optional whitespace (SP or HTAB). */
    static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t';
    }

    /** Names an octet or char for a message: "CR", "LF", "NUL", "SP", "HTAB", or "0x41". */
    static String describe(int c) {
        return switch (c) {
            case '\r' -> "CR";
            case '\n' -> "LF";
            case 0 -> "NUL";
            case ' ' -> "SP";
            case '\t' -> "HTAB";
            case 0x7F -> "DEL";
            default -> c > 0xFF ? String.format("U+%04X", c) : String.format("0x%02X", c);
        };
    }

    /**
     * Quotes received octets for a message, escaping anything that is not printable ASCII and
     * cutting the excerpt after about 80 characters (then "...").
     */
    static String quote(byte[] bytes, int length) {
        return quote(length, i -> bytes[i] & 0xFF);
    }

    /**
     * Quotes a string for a message like {@link #quote(byte[], int)}, capped the same way: the
     * string may come from the peer (a field name, a Content-Length value), and a head of up to
     * {@link Limits#maxHeadBytes()} must not become an error line of that size.
     */
    static String quote(String s) {
        return quote(s.length(), s::charAt);
    }

    private static String quote(int length, IntUnaryOperator charAt) {
        StringBuilder out = new StringBuilder(Math.min(length, MAX_QUOTED_CHARS) + 8).append('"');
        for (int i = 0; i < length; i++) {
            if (out.length() > MAX_QUOTED_CHARS) {
                return out.append("...\"").toString();
            }
            appendEscaped(out, charAt.applyAsInt(i));
        }
        return out.append('"').toString();
    }

    private static void appendEscaped(StringBuilder out, int c) {
        switch (c) {
            case '\r' -> out.append("\\r");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            default -> {
                if (c >= 0x20 && c < 0x7F) {
                    out.append((char) c);
                } else {
                    out.append(String.format("\\u%04x", c));
                }
            }
        }
    }
}
