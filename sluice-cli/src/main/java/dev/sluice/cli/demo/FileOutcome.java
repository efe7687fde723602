package dev.sluice.cli.demo;

import java.util.Arrays;

/**
 * What one download of one file came to: the bytes received and, unless it failed outright,
 * their SHA-256 compared with the one known beforehand.
 *
 * @param name     the file's name
 * @param bytes    bytes received (and written)
 * @param expected the SHA-256 the file must have
 * @param actual   the SHA-256 of what arrived, or null when the download failed
 * @param error    why the download failed, or null
 */
record FileOutcome(String name, long bytes, byte[] expected, byte[] actual, Throwable error) {
    static FileOutcome received(String name, long bytes, byte[] expected, byte[] actual) {
        return new FileOutcome(name, bytes, expected, actual, null);
    }

    static FileOutcome failed(String name, byte[] expected, Throwable error) {
        return new FileOutcome(name, 0, expected, null, error);
    }

    boolean isVerified() {
        return error == null && Arrays.equals(expected, actual);
    }

    /** Arrived whole, but not as sent: the case {@code sluice demo} exits 7 for. */
    boolean isMismatch() {
        return error == null && !Arrays.equals(expected, actual);
    }

    /** One line saying what went wrong; only for outcomes that are not verified. */
    String problem() {
        if (error != null) {
            return name + ": download failed: " + error.getMessage();
        }
        return name + ": checksum mismatch after " + bytes + " bytes: SHA-256 expected "
                + GeneratedFiles.hex(expected) + ", got " + GeneratedFiles.hex(actual);
    }
}
