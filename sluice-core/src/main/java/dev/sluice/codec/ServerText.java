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

    /** What a message shows instead of a password in a URL's user information. */
    public static final String HIDDEN_PASSWORD = "***";

    /**
     * {@code uri} as a message names it: whole, up to {@link #MAX_URL_CHARS}, but for the
     * password of its user information ({@code http://user:***@host/}).
     */
    public static String url(Object uri) {
        return excerpt(withoutPasswords(String.valueOf(uri)), MAX_URL_CHARS);
    }

    /**
     * {@code text} with the password of every URL in it replaced by {@link #HIDDEN_PASSWORD}:
     * in {@code scheme://user:password@host}, what follows the user name's colon up to the
     * authority's last {@code @}. A URL's credentials are a secret, and error messages end up
     * in terminals, logs and reports.
     */
    public static String withoutPasswords(String text) {
        if (text.indexOf('@') < 0) {
            return text; // the common case: nothing to look for
        }
        StringBuilder b = null;
        int copied = 0;
        for (int scheme = text.indexOf("://"); scheme >= 0; scheme = text.indexOf("://", scheme + 3)) {
            int start = scheme + 3;
            int end = start;
            while (end < text.length() && !endsAuthority(text.charAt(end))) {
                end++;
            }
            int at = text.lastIndexOf('@', end - 1);
            if (at < start) {
                continue; // no user information
            }
            if (b == null) {
                b = new StringBuilder(text.length());
            }
            int colon = text.indexOf(':', start);
            if (colon >= start && colon < at) {
                b.append(text, copied, colon + 1).append(HIDDEN_PASSWORD);
            } else {
                // User information without a password is often a token (https://TOKEN@host/): all of it.
                b.append(text, copied, start).append(HIDDEN_PASSWORD);
            }
            copied = at;
        }
        return b == null ? text : b.append(text, copied, text.length()).toString();
    }

    /** Whether {@code c} ends a URL's authority (RFC 3986 §3.2), or the URL itself in prose. */
    private static boolean endsAuthority(char c) {
        return c == '/' || c == '?' || c == '#' || c <= ' ' || c == '"' || c == ',' || c == '>' || c == '\\';
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
