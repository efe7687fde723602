package dev.sluice.engine;

import java.net.URI;
import java.util.Locale;

/** The rules of RFC 9110 §15.4 for following a redirect, as pure functions. */
public final class Redirects {
    private Redirects() {
    }

    public static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * The method of the next request: 303 turns anything but HEAD into GET; 301 and 302 turn
     * POST into GET (what every browser and client does, and RFC 9110 allows); 307 and 308
     * keep the method and body.
     */
    public static String nextMethod(String method, int status) {
        if (status == 303 && !method.equals("HEAD")) {
            return "GET";
        }
        if ((status == 301 || status == 302) && method.equals("POST")) {
            return "GET";
        }
        return method;
    }

    /** Whether the redirect keeps the request body (the method was kept). */
    public static boolean keepsBody(String method, int status) {
        return nextMethod(method, status).equals(method) && !method.equals("GET") && !method.equals("HEAD");
    }

    /**
     * Resolves a Location value against the URL that sent it; a Location without a fragment
     * inherits the original fragment (RFC 9110 §10.2.2).
     *
     * @throws IllegalArgumentException when the value is not a usable http(s) URL
     */
    public static URI resolve(URI base, String location) {
        URI loc = URI.create(encodeIllegal(location.trim()));
        URI next = base.resolve(loc);
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("redirect to a non-http URL: " + location);
        }
        if (next.getHost() == null) {
            throw new IllegalArgumentException("redirect to a URL without a host: " + location);
        }
        if (next.getRawFragment() == null && base.getRawFragment() != null) {
            next = URI.create(next + "#" + base.getRawFragment());
        }
        return next;
    }

    /**
     * Percent-encodes what a URI may not hold raw (spaces, controls, bytes above 0x7f), as
     * browsers and curl do with a Location like {@code /café} sent in UTF-8. Existing escapes
     * stay.
     */
    static String encodeIllegal(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\'
                    && c != '^' && c != '`' && c != '{' && c != '|' && c != '}';
            if (ok) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            int cp = s.codePointAt(i);
            if (Character.charCount(cp) == 2) {
                i++;
            }
            // Header values arrive as ISO-8859-1, one char per byte: those chars are the raw
            // bytes (UTF-8 in practice) and are escaped as they are, not encoded again.
            byte[] bytes = cp <= 0xff ? new byte[] {(byte) cp}
                    : new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (byte x : bytes) {
                b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 15, 16)))
                        .append(Character.toUpperCase(Character.forDigit(x & 15, 16)));
            }
        }
        return b == null ? s : b.toString();
    }

    /** Whether two URLs share scheme, host and port; credentials do not cross origins. */
    public static boolean sameOrigin(URI a, URI b) {
        return dev.sluice.net.Origin.of(a).equals(dev.sluice.net.Origin.of(b));
    }
}
