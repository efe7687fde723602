package dev.sluice;

import dev.sluice.codec.RequestEncoder;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    public static Request get(String url) {
        return newBuilder(url).build();
    }

    public static Request get(URI url) {
        return newBuilder(url).build();
    }

    public static Request head(String url) {
        return newBuilder(url).method("HEAD", null).build();
    }

    public static Request post(String url, RequestBody body) {
        return newBuilder(url).method("POST", body).build();
    }

    public static Request put(String url, RequestBody body) {
        return newBuilder(url).method("PUT", body).build();
    }

    public static Request delete(String url) {
        return newBuilder(url).method("DELETE", null).build();
    }

    /**
     * A builder for a request to {@code url}.
     *
     * @throws IllegalArgumentException when the URL is not an absolute http or https URL, or
     *                                  holds what a request cannot carry: credentials, a port
     *                                  out of range, a control or non-ASCII character in its path
     *                                  or query (percent-encode it)
     */
    public static Builder newBuilder(String url) {
        Objects.requireNonNull(url, "url");
        try {
            return newBuilder(new URI(url));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL " + url + ": " + e.getReason(), e);
        }
    }

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
            throw new IllegalArgumentException("not an http or https URL: " + url);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("URL has no host: " + url);
        }
        if (url.getPort() == 0 || url.getPort() > 65535) {
            throw new IllegalArgumentException("invalid URL " + url + ": port out of range: " + url.getPort());
        }
        try {
            // The request line carries path and query as written: what it cannot carry is
            // refused now, not when the request is sent.
            RequestEncoder.checkTarget(targetOf(url));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid URL " + url + ": " + e.getMessage() + " (percent-encode it)");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("credentials in the URL are not supported (send an Authorization header): "
                    + url.getScheme() + "://" + url.getHost());
        }
        return url;
    }

    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

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
        return method + " " + uri;
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
         */
        public Builder method(String method, RequestBody body) {
            Objects.requireNonNull(method, "method");
            String upper = method.toUpperCase(Locale.ROOT);
            this.method = switch (upper) {
                case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE" -> upper;
                default -> method;
            };
            this.body = body;
            return this;
        }

        public Builder get() {
            return method("GET", null);
        }

        public Builder post(RequestBody body) {
            return method("POST", body);
        }

        /**
         * Adds a header field; a name may repeat. A field the client adds by default
         * (User-Agent, Accept, Expect, or the body's Content-Type) set to an empty value is left
         * out of the request, as curl's {@code -H 'Name:'} does; an empty Accept-Encoding is sent
         * (it asks for no content coding).
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
            StringBuilder s = new StringBuilder();
            s.append(uri.getScheme()).append("://").append(uri.getRawAuthority());
            s.append(uri.getRawPath() == null ? "" : uri.getRawPath());
            s.append('?').append(query);
            if (uri.getRawFragment() != null) {
                s.append('#').append(uri.getRawFragment());
            }
            uri = URI.create(s.toString());
            return this;
        }

        /** Points the request at a redirect's target; the URL was resolved and checked. */
        Builder uriForRedirect(URI next) {
            this.uri = checkUrl(next);
            return this;
        }

        /** A total timeout for this request, overriding the client's. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

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
