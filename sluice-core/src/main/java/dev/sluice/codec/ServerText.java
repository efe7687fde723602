package dev.sluice.codec;

/**
 * Text a server chose (a reason phrase, a Location, a URL it redirected to), as an error
 * message may show it: the start of it, with control characters escaped, so that a message
 * stays one short line whatever the server sent (up to a whole 64 KiB head).
 *
 * <pre>{@code
 * String shown = ServerText.excerpt(reason, 80);   // "Nooooo...", or a tab shown escaped
 * }</pre>
 */
public final class ServerText {
    /**
     * Most characters of a URL a message shows: a server can redirect to a URL as long as its
     * head may be (64 KiB), and every later message of the exchange names it.
     */
    public static final int MAX_URL_CHARS = 2048;

    private ServerText() {
    }

    /** {@code uri} as a message names it: whole, up to {@link #MAX_URL_CHARS}. */
    public static String url(Object uri) {
        return excerpt(uri, MAX_URL_CHARS);
    }

    /**
     * At most {@code maxChars} characters of {@code value} (each escaped control character
     * counts as the six it takes), followed by {@code ...} when there was more; C0 controls,
     * DEL and C1 controls (a line break to some terminals) become a backslash, {@code u} and
     * four hex digits, as in a Java string literal.
     */
    public static String excerpt(Object value, int maxChars) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(Math.min(s.length(), maxChars) + 3);
        int i = 0;
        for (; i < s.length() && b.length() < maxChars; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
                b.append("\\u").append(Character.forDigit(c >> 12, 16)).append(Character.forDigit((c >> 8) & 0xF, 16))
                        .append(Character.forDigit((c >> 4) & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                b.append(c);
            }
        }
        return i < s.length() ? b.append("...").toString() : b.toString();
    }
}
