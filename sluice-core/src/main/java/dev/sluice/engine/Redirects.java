package dev.sluice.engine;

import dev.sluice.codec.ServerText;
import dev.sluice.net.Origin;
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

    /**
     * Whether the redirect keeps the request body: a 307 or 308 repeats the request as it was
     * (RFC 9110 §15.4.8, §15.4.9), a GET's or HEAD's content too; a 301 or 302 keeps the body of
     * a method it keeps, but for GET and HEAD, whose content no client carries along.
     */
    public static boolean keepsBody(String method, int status) {
        if (status == 307 || status == 308) {
            return true;
        }
        return nextMethod(method, status).equals(method) && !method.equals("GET") && !method.equals("HEAD");
    }

    /** Most characters of a server's Location an error message quotes. */
    private static final int MAX_QUOTED_CHARS = 200;

    /** {@code value} (a Location, a URL, a message quoting one) as an error message may show it. */
    public static String excerpt(Object value) {
        return ServerText.excerpt(ServerText.withoutPasswords(String.valueOf(value)), MAX_QUOTED_CHARS);
    }

    /**
     * Resolves a Location value against the URL that sent it, by RFC 3986 §5.2 (as RFC 9110
     * §10.2.2 asks; {@code URI.resolve} follows the older RFC 2396, which sends {@code ?page=2}
     * to the base's directory and keeps dot segments). A Location without a fragment inherits
     * the original fragment.
     *
     * @throws IllegalArgumentException when the value is not a usable http(s) URL
     */
    public static URI resolve(URI base, String location) {
        URI ref = URI.create(encodeIllegal(location.trim()));
        if (ref.getRawAuthority() != null && ref.getRawAuthority().indexOf('@') >= 0) {
            // A server must not choose credentials for the client (nor learn how a client treats
            // them); a relative Location keeps the request's own, on its own origin.
            throw new IllegalArgumentException("a Location with credentials in it is not followed");
        }
        URI next = resolveReference(base, ref);
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            // The caller quotes the Location itself: the reason alone here.
            throw new IllegalArgumentException("redirect to a non-http URL");
        }
        try {
            Origin.of(next); // the host as a request will use it: my_host too
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redirect to a URL without a usable host (" + e.getMessage() + ")", e);
        }
        if (next.getRawFragment() == null && base.getRawFragment() != null) {
            next = URI.create(next + "#" + base.getRawFragment());
        }
        // Origin's reading of user information, not URI's: URI leaves a host such as my_host,
        // and the user information before it, unparsed.
        String userInfo = Origin.rawUserInfo(base);
        if (userInfo != null && Origin.rawUserInfo(next) == null && sameOrigin(base, next)) {
            // An absolute Location back to the same origin (a trailing-slash redirect, say)
            // keeps the request's credentials, as a relative one does; curl does the same.
            next = recompose(next.getScheme(), userInfo + "@" + next.getRawAuthority(), orEmpty(next.getRawPath()),
                    next.getRawQuery(), next.getRawFragment());
        }
        return next;
    }

    /** RFC 3986 §5.2.2, on raw (still escaped) components. */
    static URI resolveReference(URI base, URI ref) {
        String scheme;
        String authority;
        String path;
        String query;
        if (ref.getScheme() != null) {
            if (ref.isOpaque()) {
                return ref; // mailto: and the like: not followed, the caller says why
            }
            scheme = ref.getScheme();
            authority = ref.getRawAuthority();
            path = removeDotSegments(orEmpty(ref.getRawPath()));
            query = ref.getRawQuery();
        } else {
            scheme = base.getScheme();
            String refPath = orEmpty(ref.getRawPath());
            if (ref.getRawAuthority() != null) {
                authority = ref.getRawAuthority();
                path = removeDotSegments(refPath);
                query = ref.getRawQuery();
            } else {
                authority = base.getRawAuthority();
                if (refPath.isEmpty()) {
                    path = orEmpty(base.getRawPath());
                    query = ref.getRawQuery() != null ? ref.getRawQuery() : base.getRawQuery();
                } else {
                    path = removeDotSegments(refPath.startsWith("/") ? refPath : merge(base, refPath));
                    query = ref.getRawQuery();
                }
            }
        }
        return recompose(scheme, authority, path, query, ref.getRawFragment());
    }

    /**
     * RFC 3986 §5.3: a URI from its raw (still escaped) components; authority, query and
     * fragment null when absent, path never null.
     */
    public static URI recompose(String scheme, String authority, String path, String query, String fragment) {
        StringBuilder b = new StringBuilder().append(scheme).append(':');
        if (authority != null) {
            b.append("//").append(authority);
        }
        b.append(path);
        if (query != null) {
            b.append('?').append(query);
        }
        if (fragment != null) {
            b.append('#').append(fragment);
        }
        return URI.create(b.toString());
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** RFC 3986 §5.2.3. */
    private static String merge(URI base, String refPath) {
        String basePath = orEmpty(base.getRawPath());
        if (base.getRawAuthority() != null && basePath.isEmpty()) {
            return "/" + refPath;
        }
        return basePath.substring(0, basePath.lastIndexOf('/') + 1) + refPath;
    }

    /** RFC 3986 §5.2.4: {@code /a/b/../c/./d} is {@code /a/c/d}; never above the root. */
    public static String removeDotSegments(String path) {
        if (path.indexOf('.') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        String in = path;
        while (!in.isEmpty()) {
            if (in.startsWith("../")) {
                in = in.substring(3);
            } else if (in.startsWith("./")) {
                in = in.substring(2);
            } else if (in.startsWith("/./")) {
                in = in.substring(2);
            } else if (in.equals("/.")) {
                in = "/";
            } else if (in.startsWith("/../")) {
                in = in.substring(3);
                out.setLength(Math.max(0, out.lastIndexOf("/")));
            } else if (in.equals("/..")) {
                in = "/";
                out.setLength(Math.max(0, out.lastIndexOf("/")));
            } else if (in.equals(".") || in.equals("..")) {
                in = "";
            } else {
                int next = in.indexOf('/', in.startsWith("/") ? 1 : 0);
                int end = next < 0 ? in.length() : next;
                out.append(in, 0, end);
                in = in.substring(end);
            }
        }
        return out.toString();
    }

    /**
     * Percent-encodes what a URI may not hold raw (spaces, controls, bytes above 0x7f), as
     * browsers and curl do with a Location like {@code /café} sent in UTF-8. Existing escapes
     * stay. After the authority, what curl, requests and browsers also follow is made valid
     * leniently: a {@code %} not starting an escape ({@code /echo?100%}, {@code /bad%zz}) is
     * {@code %25}, {@code [} and {@code ]} in the path are {@code %5B} and {@code %5D} (in the
     * query and fragment URI takes them, and they are sent as they came, as curl does), and a
     * second {@code #} is {@code %23} (part of the fragment). The scheme and authority are left as they
     * are: a broken host or port there ({@code http://[::1/}) is still refused.
     */
    static String encodeIllegal(String s) {
        StringBuilder b = null;
        int authorityEnd = authorityEnd(s);
        boolean inPath = true;
        boolean inFragment = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\'
                    && c != '^' && c != '`' && c != '{' && c != '|' && c != '}';
            if (ok && i >= authorityEnd) {
                if (((c == '[' || c == ']') && inPath) || (c == '%' && !startsEscape(s, i)) || (c == '#' && inFragment)) {
                    ok = false;
                }
                inPath &= c != '?' && c != '#';
                inFragment |= c == '#';
            }
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

    /**
     * Where the scheme and authority of a URI reference end (RFC 3986 §3): 0 when it has neither
     * (a relative path), else the index of the first {@code /}, {@code ?} or {@code #} after the
     * authority ({@code //} and up to there), or after the scheme's colon when no authority follows.
     */
    private static int authorityEnd(String s) {
        int start = 0;
        int colon = s.indexOf(':');
        if (colon > 0 && isScheme(s, colon)) {
            start = colon + 1;
        }
        if (!s.startsWith("//", start)) {
            return start;
        }
        int end = start + 2;
        while (end < s.length() && s.charAt(end) != '/' && s.charAt(end) != '?' && s.charAt(end) != '#') {
            end++;
        }
        return end;
    }

    /** Whether {@code s} up to {@code colon} is a scheme: a letter, then letters, digits, +, - or . */
    private static boolean isScheme(String s, int colon) {
        for (int i = 0; i < colon; i++) {
            char c = s.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsEscape(String s, int percent) {
        return percent + 2 < s.length() && isHex(s.charAt(percent + 1)) && isHex(s.charAt(percent + 2));
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Whether two URLs share scheme, host and port; credentials do not cross origins. */
    public static boolean sameOrigin(URI a, URI b) {
        return Origin.of(a).equals(Origin.of(b));
    }
}
