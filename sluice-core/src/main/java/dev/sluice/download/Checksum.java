package dev.sluice.download;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * An expected digest of a download: sha256, sha512, sha1 or md5, compared while the body
 * streams (never by reading the file again).
 *
 * <pre>{@code
 * Checksum c = Checksum.parse("sha256=9f86d081884c7d65...");   // or "sha256:9f86..."
 * }</pre>
 *
 * @param algorithm lower-case name as written: sha256, sha512, sha1, md5
 * @param hex       the expected digest in lower-case hex
 */
public record Checksum(String algorithm, String hex) {

    public Checksum {
        algorithm = algorithm.toLowerCase(Locale.ROOT).replace("-", "");
        hex = hex.toLowerCase(Locale.ROOT);
        int bytes = switch (algorithm) {
            case "sha256" -> 32;
            case "sha512" -> 64;
            case "sha1" -> 20;
            case "md5" -> 16;
            default -> throw new IllegalArgumentException("unsupported checksum algorithm: " + algorithm
                    + " (sha256, sha512, sha1, md5)");
        };
        // ASCII hex only: Character.digit would take other scripts' digits (U+0660, U+FF10) too.
        if (hex.length() != bytes * 2 || !hex.chars().allMatch(ch -> ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
            throw new IllegalArgumentException(algorithm + " checksum must be " + bytes * 2 + " hex digits: " + hex);
        }
    }

    /** Parses {@code ALGO=HEX} or {@code ALGO:HEX}. */
    public static Checksum parse(String text) {
        int sep = text.indexOf('=') >= 0 ? text.indexOf('=') : text.indexOf(':');
        if (sep <= 0) {
            throw new IllegalArgumentException("checksum must look like sha256=HEX: " + text);
        }
        return new Checksum(text.substring(0, sep).trim(), text.substring(sep + 1).trim());
    }

    /** A fresh digest for this algorithm. */
    public MessageDigest newDigest() {
        String jdkName = switch (algorithm) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            case "sha1" -> "SHA-1";
            default -> "MD5";
        };
        try {
            return MessageDigest.getInstance(jdkName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + jdkName, e);
        }
    }

    /** Whether a finished digest matches; returns its hex for messages either way. */
    public static String hexOf(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public String toString() {
        return algorithm + "=" + hex;
    }
}
