package dev.sluice.engine;

import java.io.EOFException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Why a TLS handshake failed, in words: the JDK's own text ("unable to find valid
 * certification path to requested target", "NotAfter: Sat Feb 01 ...", "SSL peer shut down
 * incorrectly") names its internals rather than the problem. Read from the exception types
 * where the JDK has them (certificate path, validity); from the message where it has only that
 * (a host name mismatch, an alert), falling back to the JDK's text. The exception itself stays
 * the cause of the error that carries these words.
 *
 * <pre>{@code
 * TlsFailures.reason(e, "example.org")   // "certificate expired on 2020-02-01"
 * }</pre>
 */
final class TlsFailures {
    /** What the JDK's message of a fatal alert from the peer holds before the alert's name. */
    private static final String RECEIVED_ALERT = "Received fatal alert: ";

    private TlsFailures() {
    }

    /** The cause of the failed handshake with {@code host}, as a phrase. */
    static String reason(SSLException e, String host) {
        // An alert the server sent tells more than the broken pipe it may wrap (the connector
        // names an alert the JDK missed as it failed on a write).
        String alert = receivedAlert(e);
        CertPathValidatorException validation = null;
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertPathValidatorException v) {
                validation = v;
            }
            if (c instanceof CertificateExpiredException) {
                return "certificate expired" + date(validation, true);
            }
            if (c instanceof CertificateNotYetValidException) {
                return "certificate not valid yet" + date(validation, false);
            }
            if (c instanceof CertPathBuilderException) {
                return "certificate not trusted (no path to a trusted CA)";
            }
            if (c instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                return "certificate revoked";
            }
            if (c instanceof CertificateException && c.getClass() == CertificateException.class && isNameMismatch(c)) {
                return "certificate not valid for host " + host;
            }
            if (alert != null) {
                continue;
            }
            if (c instanceof EOFException) {
                return "the server closed the connection during the TLS handshake";
            }
            // A socket channel's failed write or read is a plain IOException, a socket's a
            // SocketException: both in the kernel's words (ECONNRESET, EPIPE).
            String m = c instanceof SSLException || c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("connection reset")) {
                return "the connection was reset during the TLS handshake";
            }
            if (m.contains("broken pipe")) {
                return "the server closed the connection during the TLS handshake";
            }
        }
        if (validation != null) {
            var why = validation.getReason();
            if (why == java.security.cert.PKIXReason.NO_TRUST_ANCHOR
                    || why == CertPathValidatorException.BasicReason.UNSPECIFIED
                    || why == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
                // Most often a certificate whose issuer's name matches a trusted one but not its
                // key ("Path does not chain with any of the trust anchors": two self-signed
                // certificates of one name).
                return "certificate not trusted (no path to a trusted CA)";
            }
            if (why == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
                return "certificate uses an algorithm or key size the JDK refuses: " + validation.getMessage();
            }
        }
        if (alert != null) {
            return refused(alert);
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.startsWith("Unsupported or unrecognized SSL message")) {
            return "the server did not answer in TLS (plain HTTP on an https URL?)";
        }
        return Failures.rootMessage(e);
    }

    /** A handshake the server ended with the fatal alert {@code alert}, in words. */
    static String refused(String alert) {
        return "the server refused the handshake (TLS alert " + alert + ")" + alertMeaning(alert);
    }

    /**
     * The description of the fatal alert the server sent (RFC 8446 §6), or null when the failure
     * is not one. The JDK says so only in its message, which it words "(DESCRIPTION) Received
     * fatal alert: DESCRIPTION" (OpenJDK 25's {@code Alert.createSSLException} puts the
     * description first), perhaps in a cause.
     */
    static String receivedAlert(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            int at = m == null ? -1 : m.indexOf(RECEIVED_ALERT);
            if (at >= 0) {
                String rest = m.substring(at + RECEIVED_ALERT.length()).strip();
                int end = 0;
                while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) || rest.charAt(end) == '_')) {
                    end++;
                }
                return end == 0 ? null : rest.substring(0, end);
            }
        }
        return null;
    }

    /**
     * Whether {@code alert} is one a TLS 1.3 server sends when it refuses the client's side of
     * the handshake (RFC 8446 §6.2, §4.4.2): its certificate missing, bad or not trusted, its
     * Finished not verified, or the client not allowed. An alert such as internal_error says
     * nothing of the handshake: the request may have been taken.
     */
    static boolean refusesTheClient(String alert) {
        return switch (alert) {
            case "handshake_failure", "bad_certificate", "unsupported_certificate", "certificate_revoked",
                 "certificate_expired", "certificate_unknown", "unknown_ca", "access_denied", "decrypt_error",
                 "insufficient_security", "certificate_required" -> true;
            default -> false;
        };
    }

    /**
     * What an alert means for this client, after ": "; empty where it could mean several things
     * (handshake_failure: no cipher suite in common, or a client certificate missing).
     */
    private static String alertMeaning(String alert) {
        return switch (alert) {
            case "protocol_version" -> ": it supports no TLS version sluice accepts (1.3 and 1.2)";
            case "certificate_required" -> ": it requires a client certificate, which sluice does not send";
            case "no_application_protocol" -> ": it speaks no protocol sluice offers (sluice speaks HTTP/1.1;"
                    + " the server perhaps only HTTP/2)";
            case "unrecognized_name" -> ": it serves no site by the name sluice sent (none is sent for an IP address)";
            default -> "";
        };
    }

    /**
     * The host name checks of the JDK's trust manager throw a plain {@link CertificateException}
     * whose message is all that says so: "No subject alternative DNS name matching ...", "No
     * subject alternative names matching IP address ...", "No name matching ... found".
     */
    private static boolean isNameMismatch(Throwable c) {
        String m = c.getMessage();
        return m != null && (m.startsWith("No subject alternative") || m.startsWith("No name matching"));
    }

    /** " on 2020-02-01" (UTC), the date the certificate the validation rejected ends or starts; empty when unknown. */
    private static String date(CertPathValidatorException validation, boolean end) {
        if (validation == null || validation.getCertPath() == null || validation.getIndex() < 0) {
            return "";
        }
        List<? extends Certificate> chain = validation.getCertPath().getCertificates();
        if (validation.getIndex() >= chain.size() || !(chain.get(validation.getIndex()) instanceof X509Certificate x)) {
            return "";
        }
        Date when = end ? x.getNotAfter() : x.getNotBefore();
        String which = validation.getIndex() == 0 ? "" : " (a CA certificate of the chain)";
        return (end ? " on " : ": from ") + when.toInstant().atOffset(ZoneOffset.UTC).toLocalDate() + which;
    }
}
