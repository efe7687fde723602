package dev.sluice.net;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The octets a percent-encoded URI component stands for (RFC 3986 §2.1): each {@code %XX} is
 * one octet, any other character its UTF-8 octets (java.net.URI lets raw non-ASCII stand in a
 * component). '+' stays '+': it means a space in form data only.
 */
public final class PercentEncoding {
    private PercentEncoding() {
    }

    /**
     * The octets {@code encoded} stands for.
     *
     * <pre>{@code
     * PercentEncoding.decode("caf%C3%A9")  // the UTF-8 octets of "café"
     * }</pre>
     *
     * @throws IllegalArgumentException when a percent sign is not followed by two hex digits
     */
    public static byte[] decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int hi = i + 2 < encoded.length() ? hexValue(encoded.charAt(i + 1)) : -1;
                int lo = hi < 0 ? -1 : hexValue(encoded.charAt(i + 2));
                if (lo < 0) {
                    throw new IllegalArgumentException("invalid percent-encoding (a % not followed by two hex digits)");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                int cp = encoded.codePointAt(i);
                byte[] utf8 = Character.toString(cp).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return bytes.toByteArray();
    }

    /** The value of an ASCII hex digit, or -1 (Character.digit would take U+0661 as 1). */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
