package dev.sluice;

import dev.sluice.codec.RequestEncoder;
import dev.sluice.codec.ServerText;
import dev.sluice.engine.Redirects;
import dev.sluice.net.Origin;
import dev.sluice.net.PercentEncoding;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP request: method, URL, header fields and an optional body. Immutable; build one with
 * the static shortcuts or {@link #newBuilder}.
 *
 * <pre>{@code
 * Request r = Request.newBuilder("https://example.org/search")
 *         .query("q", "streaming http")
 *         .header("Accept", "application/json")
 *         .build();
 * }</pre>
 */
public final class Request {
    private final String method;
    private final URI uri;
    private final Headers headers;
    private final RequestBody body;
    private final Duration timeout;

    private Request(Builder b) {
        this.method = b.method;
        this.uri = b.uri;
        this.headers = b.headers;
        this.body = b.body;
        this.timeout = b.timeout;
    }

    /** A GET of {@code url}; see {@link #newBuilder(String)} for what the URL may hold. */
    public static Request get(String url) {
        return newBuilder(url).build();
    }

    /** A GET of {@code url}; see {@link #newBuilder(String)} for what the URL may hold. */
    public static Request get(URI url) {
        return newBuilder(url).build();
    }

    /** A HEAD of {@code url}: the head of a GET's response, without its body. */
    public static Request head(String url) {
        return newBuilder(url).method("HEAD", null).build();
    }

    /** A HEAD of {@code url}: the head of a GET's response, without its body. */
    public static Request head(URI url) {
        return newBuilder(url).method("HEAD", null).build();
    }

    /** A POST of {@code body} to {@code url}. */
    public static Request post(String url, RequestBody body) {
        return newBuilder(url).method("POST", body).build();
    }

    /** A POST of {@code body} to {@code url}. */
    public static Request post(URI url, RequestBody body) {
        return newBuilder(url).method("POST", body).build();
    }

    /** A PUT of {@code body} at {@code url}. */
    public static Request put(String url, RequestBody body) {
        return newBuilder(url).method("PUT", body).build();
    }

    /** A PUT of {@code body} at {@code url}. */
    public static Request put(URI url, RequestBody body) {
        return newBuilder(url).method("PUT", body).build();
    }

    /** A DELETE of {@code url}, without a body. */
    public static Request delete(String url) {
        return newBuilder(url).method("DELETE", null).build();
    }

    /** A DELETE of {@code url}, without a body. */
    public static Request delete(URI url) {
        return newBuilder(url).method("DELETE", null).build();
    }

    /**
     * A builder for a request to {@code url}.
     *
     * <p>User information in the URL is sent as Basic authentication, as curl and requests do:
     * {@code http://alice:s%3Acret@example.org/} sends {@code Authorization: Basic} of
     * {@code alice:s:cret} (user and password percent-decoded, UTF-8), unless the request sets
     * its own {@code Authorization}. It never appears in the request line or {@code Host}, it
     * is dropped with {@code Authorization} when a redirect leads to another origin, and every
     * message naming the URL shows it as {@code http://alice:***@example.org/}. A redirect
     * whose Location carries user information is not followed.
     *
     * <p>The path's {@code .} and {@code ..} segments are resolved (RFC 3986 §5.2.4), as curl,
     * requests and OkHttp do: {@code http://example.org/a/../b} asks for {@code /b}, and that
     * is the request's {@link Request#uri() uri()}.
     *
     * @throws IllegalArgumentException when the URL is not an absolute http or https URL, or
     *                                  holds what a request cannot carry: no host, a port out of
     *                                  range, a control or non-ASCII character in its path or
     *                                  query (percent-encode it), a broken percent-escape in its
     *                                  user information
     */
    public static Builder newBuilder(String url) {
        Objects.requireNonNull(url, "url");
        try {
            return newBuilder(new URI(url));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL " + ServerText.url(url) + ": " + e.getReason(),
                    withoutPassword(e, url));
        }
    }

    /**
     * {@code e} with the password hidden from the URL its message quotes, the index moved to
     * match (-1 when it pointed into what was hidden): the cause says where the URL broke, but
     * messages end up in logs.
     */
    private static URISyntaxException withoutPassword(URISyntaxException e, String url) {
        String hidden = ServerText.withoutPasswords(url);
        if (hidden.equals(url)) {
            return e;
        }
        // Hiding replaces one stretch: what comes before and after it is the same in both.
        int prefix = 0;
        while (prefix < hidden.length() && prefix < url.length() && hidden.charAt(prefix) == url.charAt(prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < hidden.length() - prefix && suffix < url.length() - prefix
                && hidden.charAt(hidden.length() - 1 - suffix) == url.charAt(url.length() - 1 - suffix)) {
            suffix++;
        }
        int index = e.getIndex();
        if (index >= url.length() - suffix) {
            index += hidden.length() - url.length();
        } else if (index >= prefix) {
            index = -1;
        }
        URISyntaxException safe = new URISyntaxException(hidden, e.getReason(), index);
        safe.setStackTrace(e.getStackTrace());
        return safe;
    }

    /** As {@link #newBuilder(String)}, for a URL already parsed. */
    public static Builder newBuilder(URI url) {
        return new Builder(checkUrl(url));
    }

    /** A builder that starts from this request. */
    public Builder toBuilder() {
        Builder b = new Builder(uri);
        b.method = method;
        b.headers = headers;
        b.body = body;
        b.timeout = timeout;
        return b;
    }

    /**
     * {@code text} with the password of every URL in it hidden, as sluice's own messages show
     * URLs: {@code http://alice:***@example.org/}. For a program's own messages and logs.
     */
    public static String hidePasswords(String text) {
        return ServerText.withoutPasswords(Objects.requireNonNull(text, "text"));
    }

    /** The request target of the request line: the raw path ({@code /} when empty) and query. */
    static String targetOf(URI uri) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    static URI checkUrl(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("not an http or https URL: " + ServerText.url(url));
        }
        try {
            // The host and port as they will be used: a host java.net.URI leaves unparsed
            // (my_host) is read from the authority; a port out of range is refused.
            Origin.of(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid URL " + ServerText.url(url) + ": " + e.getMessage(), e);
        }
        try {
            // The request line carries path and query as written: what it cannot carry is
            // refused now, not when the request is sent.
            RequestEncoder.checkTarget(targetOf(url));
        } catch (IllegalArgumentException e) {
            // The target only: path and query, no user information; but a query may quote a
            // URL with a password (?next=http://u:pw@h/), hidden in the message and its cause.
            String reason = ServerText.withoutPasswords(e.getMessage());
            throw new IllegalArgumentException("invalid URL " + ServerText.url(url) + ": " + reason
                    + " (percent-encode it)", new IllegalArgumentException(reason));
        }
        String userInfo = Origin.rawUserInfo(url);
        if (userInfo != null) {
            basicAuthorization(userInfo); // an escape that is not one fails now, not when sent
        }
        return withoutDotSegments(url);
    }

    /**
     * {@code url} with the {@code .} and {@code ..} segments of its path resolved (RFC 3986
     * §5.2.4 and §6.2.2.3), as curl, requests, aiohttp and OkHttp send it, and as a redirect's
     * Location is resolved: {@code /a/../b} is {@code /b}, and never above the root. So what
     * the server is asked for, the URL in the response, a file name taken from it and the base
     * of a relative redirect agree. Percent-encoded dots ({@code %2E}) are left as they are.
     */
    private static URI withoutDotSegments(URI url) {
        String path = url.getRawPath();
        if (path == null || path.indexOf('.') < 0) {
            return url;
        }
        String clean = Redirects.removeDotSegments(path);
        return clean.equals(path) ? url
                : Redirects.recompose(url.getScheme(), url.getRawAuthority(), clean, url.getRawQuery(), url.getRawFragment());
    }

    /**
     * The {@code Authorization} value for a URL's user information {@code user:password}
     * (still percent-encoded): Basic, with user and password percent-decoded to their UTF-8
     * bytes (RFC 7617 §2.1); a user without a password has an empty one, as curl sends it.
     *
     * @throws IllegalArgumentException when a percent sign is not followed by two hex digits
     */
    static String basicAuthorization(String rawUserInfo) {
        // Only the first raw colon separates user and password (RFC 3986 §3.2.1); an escaped
        // one (%3A) is part of the user name.
        int colon = rawUserInfo.indexOf(':');
        byte[] user;
        byte[] password;
        try {
            user = PercentEncoding.decode(colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
            password = colon < 0 ? new byte[0] : PercentEncoding.decode(rawUserInfo.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid percent-encoding in the URL's user information");
        }
        byte[] credentials = Arrays.copyOf(user, user.length + 1 + password.length);
        credentials[user.length] = ':';
        System.arraycopy(password, 0, credentials, user.length + 1, password.length);
        return "Basic " + Base64.getEncoder().encodeToString(credentials);
    }

    /** The method, as sent in the request line. */
    public String method() {
        return method;
    }

    /** The URL, user information included (sent as Basic authentication, never in the request line). */
    public URI uri() {
        return uri;
    }

    /**
     * The header fields the caller set. When sending, the client adds Host, User-Agent and
     * Accept-Encoding unless set here, and the body's framing fields.
     */
    public Headers headers() {
        return headers;
    }

    /** The body, if the request has one. */
    public Optional<RequestBody> body() {
        return Optional.ofNullable(body);
    }

    /** A total timeout for this request that overrides the client's, if set. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public String toString() {
        return method + " " + ServerText.withoutPasswords(uri.toString());
    }

    /** Builds a {@link Request}; not thread-safe. */
    public static final class Builder {
        private String method = "GET";
        private URI uri;
        private Headers headers = Headers.empty();
        private RequestBody body;
        private Duration timeout;

        private Builder(URI uri) {
            this.uri = uri;
        }

        /**
         * Sets the method and body. The method is upper-cased only when it is a standard one
         * written in lower case; others are sent as given.
         *
         * A method that is not an RFC 9110 token (a space, a control character) is refused
         * when the request is sent, before anything goes out.
         *
         * @throws IllegalArgumentException for CONNECT, which asks a proxy for a tunnel: its
         *                                  target is an authority, not a path (RFC 9112 §3.2.3),
         *                                  and its connection never carries HTTP again; for a
         *                                  TRACE with a body (RFC 9110 §9.3.8: a client must
         *                                  not send one)
         */
        public Builder method(String method, RequestBody body) {
            Objects.requireNonNull(method, "method");
            String upper = method.toUpperCase(Locale.ROOT);
            if (upper.equals("CONNECT")) {
                throw new IllegalArgumentException("CONNECT is not supported (it asks a proxy for a tunnel)");
            }
            if (upper.equals("TRACE") && body != null) {
                throw new IllegalArgumentException("a TRACE request has no body (RFC 9110 §9.3.8)");
            }
            this.method = switch (upper) {
                case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE" -> upper;
                default -> method;
            };
            this.body = body;
            return this;
        }

        /** Makes this a GET without a body. */
        public Builder get() {
            return method("GET", null);
        }

        /** Makes this a POST of {@code body}. */
        public Builder post(RequestBody body) {
            return method("POST", body);
        }

        /**
         * Adds a header field; a name may repeat. A field the client adds by default
         * (User-Agent, Accept, Expect, the body's Content-Type, or Authorization from the URL's
         * user information) set to an empty value is left out of the request, as curl's {@code -H 'Name:'} does; an empty Accept-Encoding is sent
         * (it asks for no content coding). Content-Length and Transfer-Encoding set here are
         * not sent: the client frames the body itself (Content-Length when its length is
         * known, chunked otherwise), so that a stale length cannot desynchronise the
         * connection. A Host set here replaces the URL's.
         *
         * @throws IllegalArgumentException when the field cannot be sent: a name that is not an
         *                                  RFC 9110 token, or a value with CR, LF, NUL, another
         *                                  control character but HTAB, or a character above U+00FF
         */
        public Builder header(String name, String value) {
            RequestEncoder.checkField(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            headers = headers.plus(name, value);
            return this;
        }

        /**
         * Sets a header field, replacing earlier values of it.
         *
         * @throws IllegalArgumentException when the field cannot be sent, as for {@link #header}
         */
        public Builder setHeader(String name, String value) {
            RequestEncoder.checkField(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            headers = headers.with(name, value);
            return this;
        }

        public Builder removeHeader(String name) {
            headers = headers.without(name);
            return this;
        }

        /** Appends a query parameter, percent-encoding name and value as UTF-8. */
        public Builder query(String name, String value) {
            String pair = encodeQuery(name) + "=" + encodeQuery(value);
            String raw = uri.getRawQuery();
            String query = raw == null || raw.isEmpty() ? pair : raw + "&" + pair;
            uri = Redirects.recompose(uri.getScheme(), uri.getRawAuthority(), uri.getRawPath() == null ? "" : uri.getRawPath(),
                    query, uri.getRawFragment());
            return this;
        }

        /** Points the request at a redirect's target; the URL was resolved and checked. */
        Builder uriForRedirect(URI next) {
            this.uri = checkUrl(next);
            return this;
        }

        /**
         * The total timeout of this request, as {@link Client.Builder#totalTimeout}, overriding
         * the client's; null to use the client's.
         *
         * @throws IllegalArgumentException when zero or negative: such a request would be sent
         *                                  and then fail, after the server may have acted on it
         */
        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("total timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** The request; the builder can go on to build others. */
        public Request build() {
            return new Request(this);
        }

        /** Percent-encodes everything but RFC 3986 unreserved characters. */
        private static String encodeQuery(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder(bytes.length);
            for (byte b : bytes) {
                int c = b & 0xff;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '.' || c == '_' || c == '~') {
                    out.append((char) c);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
                }
            }
            return out.toString();
        }
    }
}
