package dev.sluice.codec;

import java.util.List;
import java.util.Objects;

/**
 * Encodes request heads (RFC 9112 §3). It checks every part it writes, because a CR or LF
 * smuggled into a header value by application data would let that data forge requests.
 *
 * <pre>{@code
 * byte[] head = RequestEncoder.encodeHead("GET", "/index.html",
 *         List.of(new Field("Host", "example.com"), new Field("Accept", "*\/*")));
 * out.write(head);
 * }</pre>
 */
public final class RequestEncoder {

    /** " HTTP/1.1\r\n" and the final "\r\n". */
    private static final String VERSION_AND_CRLF = " HTTP/1.1\r\n";
    private static final int FINAL_CRLF = 2;
    /** ": " and "\r\n" around each field value. */
    private static final int FIELD_OVERHEAD = 4;

    private RequestEncoder() {
    }

    /**
     * Encodes {@code METHOD SP target SP HTTP/1.1 CRLF (name: value CRLF)* CRLF}. The caller
     * supplies every field, Host and Content-Length or Transfer-Encoding included; values are
     * written as ISO-8859-1.
     *
     * @param method the method, an RFC 9110 token
     * @param target the request target: non-empty, ASCII, no control characters and no space
     * @param fields the header fields, written in this order
     * @return the encoded head
     * @throws IllegalArgumentException naming the offending part, when the method is not a
     *                                  token, the target is empty or has a control character,
     *                                  a space or a non-ASCII character, a field name is not a
     *                                  token, or a field value has CR, LF, NUL, another control
     *                                  character but HTAB, or a character above U+00FF
     */
    public static byte[] encodeHead(String method, String target, List<Field> fields) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(fields, "fields");
        requireToken("method", method);
        requireTarget(target);
        int size = method.length() + 1 + target.length() + VERSION_AND_CRLF.length() + FINAL_CRLF;
        for (Field field : fields) {
            requireToken("header name", field.name());
            requireValue(field);
            size += field.name().length() + field.value().length() + FIELD_OVERHEAD;
        }
        byte[] out = new byte[size];
        int at = put(out, 0, method);
        out[at++] = ' ';
        at = put(out, at, target);
        at = put(out, at, VERSION_AND_CRLF);
        for (Field field : fields) {
            at = put(out, at, field.name());
            out[at++] = ':';
            out[at++] = ' ';
            at = put(out, at, field.value());
            out[at++] = '\r';
            out[at++] = '\n';
        }
        out[at++] = '\r';
        out[at] = '\n';
        return out;
    }

    /**
     * Checks a header field as {@link #encodeHead} would, so that a request can refuse it when
     * it is built rather than when it is sent.
     *
     * @throws IllegalArgumentException naming the field and the character
     */
    public static void checkField(String name, String value) {
        requireToken("header name", name);
        requireValue(new Field(name, value));
    }

    /**
     * Checks a request target as {@link #encodeHead} would.
     *
     * @throws IllegalArgumentException naming the character
     */
    public static void checkTarget(String target) {
        requireTarget(target);
    }

    private static void requireToken(String what, String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!CharClass.isTokenChar(c)) {
                throw new IllegalArgumentException(what + " " + CharClass.quote(s) + " contains " + CharClass.describe(c));
            }
        }
    }

    private static void requireTarget(String target) {
        if (target.isEmpty()) {
            throw new IllegalArgumentException("target is empty");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                throw new IllegalArgumentException("target " + CharClass.quote(target) + " contains "
                        + (c > 0x7F ? "non-ASCII " : "") + CharClass.describe(c));
            }
        }
    }

    private static void requireValue(Field field) {
        String value = field.value();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!CharClass.isFieldValueOctet(c)) {
                throw new IllegalArgumentException("value of header " + CharClass.quote(field.name()) + " contains "
                        + (c > 0xFF ? "character outside ISO-8859-1 " : "") + CharClass.describe(c));
            }
        }
    }

    /** Writes chars already checked to be at most U+00FF, one byte each. */
    private static int put(byte[] out, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            out[at + i] = (byte) s.charAt(i);
        }
        return at + s.length();
    }
}
