package dev.sluice.codec;

/**
 * Text a server chose (a reason phrase, a Location, a URL it redirected to), as an error
 * message may show it: the start of it, with control and format characters escaped, so that a
 * message stays one short line, in the order it was written, whatever the server sent (up to a
 * whole 64 KiB head).
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
    /** Most characters of a field's value (a coding, a length) or a reason phrase a message quotes. */
    public static final int MAX_FIELD_CHARS = 80;

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
     * At most {@code maxChars} characters of {@code value}, followed by {@code ...} when there
     * was more. Characters that would change how the line looks rather than show as themselves
     * become a backslash, {@code u} and four hex digits, as in a Java string literal: C0
     * controls, DEL and C1 controls (a line break to some terminals), format characters (bidi
     * overrides and isolates, which reorder the rest of the line, zero-width characters, the
     * byte order mark), the line and paragraph separators, and halves of surrogate pairs that
     * have no other half. A format character outside the Basic Multilingual Plane is written
     * as its two UTF-16 halves, each escaped. Anything else (Latin, CJK, emoji) shows as itself.
     *
     * <p>A character is shown whole or not at all: the last one, begun before {@code maxChars},
     * is kept whole even where it crosses the limit, by up to five characters for an escape,
     * eleven for an escaped pair, one for an emoji. A cut never splits an escape or a pair.
     */
    public static String excerpt(Object value, int maxChars) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(Math.min(s.length(), maxChars) + 3);
        int i = 0;
        while (i < s.length() && b.length() < maxChars) {
            // A lone half of a pair comes back as itself, of type SURROGATE, and one char long.
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (shownEscaped(cp)) {
                for (int k = i; k < i + n; k++) {
                    appendEscape(b, s.charAt(k));
                }
            } else {
                b.append(s, i, i + n);
            }
            i += n;
        }
        return i < s.length() ? b.append("...").toString() : b.toString();
    }

    /**
     * Whether a terminal would act on {@code cp} instead of showing it: a control character
     * moves the cursor or starts an escape sequence, a format character can turn the rest of a
     * line right to left or hide text, the separators break the line, and a lone surrogate is
     * not text at all (it would reach the terminal as a replacement character or broken bytes).
     */
    private static boolean shownEscaped(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> true;
            default -> false;
        };
    }

    private static void appendEscape(StringBuilder b, char c) {
        b.append("\\u").append(Character.forDigit(c >> 12, 16)).append(Character.forDigit((c >> 8) & 0xF, 16))
                .append(Character.forDigit((c >> 4) & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
    }
}
