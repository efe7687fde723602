package dev.sluice.net;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The host-name check of RFC 9525 §6.3 on a server certificate's DNS names, beside the JDK's:
 * a wildcard counts only as the whole left-most label, over at least two labels
 * ({@code *.example.com}, never {@code f*.example.com} or {@code *.com}, which the JDK
 * accepts from a CA that is not a public one), as curl and browsers check; and for a host name
 * the JDK's check refuses outright ({@code my_service}: an underscore), the only check (a
 * certificate without DNS names, known only by its common name, is then not for it).
 *
 * <pre>{@code
 * HostNameCheck.matches("a.example.com", List.of("*.example.com")) // true
 * }</pre>
 */
final class HostNameCheck {
    private HostNameCheck() {
    }

    /** Whether one of {@code names} (DNS names, wildcards allowed) is for {@code host}. */
    static boolean matches(String host, List<String> names) {
        String h = withoutTrailingDot(host).toLowerCase(Locale.ROOT);
        for (String name : names) {
            if (matchesOne(h, withoutTrailingDot(name).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesOne(String host, String name) {
        if (name.indexOf('*') < 0) {
            return !name.isEmpty() && name.equals(host);
        }
        String rest = name.startsWith("*.") ? name.substring(2) : null;
        if (rest == null || rest.indexOf('*') >= 0 || rest.indexOf('.') < 0 || rest.startsWith(".")) {
            return false; // not the whole left-most label, more than one, or over a single label
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot + 1).equals(rest);
    }

    /** Whether the JDK's check has any use for {@code host}: letters, digits, hyphens and dots only. */
    static boolean isLdh(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** {@code name} without the trailing dot of a fully qualified name ({@code localhost.}). */
    static String withoutTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** The DNS names among {@code certificate}'s subject alternative names. */
    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            var all = certificate.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> entry : all) {
                    if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0)) && entry.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // Unreadable names match nothing.
        }
        return names;
    }
}
