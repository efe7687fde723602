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
 * // the SHA-256 of "test"; "sha256:9f86..." is read the same
 * Checksum c = Checksum.parse("sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
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

    /**
     * Parses {@code ALGO=HEX} or {@code ALGO:HEX}; the algorithm is read without case or dashes
     * ({@code SHA-256}).
     *
     * @throws IllegalArgumentException for another form, an unsupported algorithm, or a hex
     *                                  digest of the wrong length
     */
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

    /**
     * The lower-case hex of a finished digest, to compare with {@link #hex()}. It completes
     * {@code digest}, which is then reset: call it once per digest.
     */
    public static String hexOf(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public String toString() {
        return algorithm + "=" + hex;
    }
}
