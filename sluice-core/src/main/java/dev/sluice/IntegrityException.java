package dev.sluice;

import java.net.URI;

/** The body arrived whole but its checksum does not match the expected one. */
public final class IntegrityException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final String algorithm;
    private final String expected;
    private final String actual;

    public IntegrityException(URI uri, String algorithm, String expected, String actual) {
        super(uri, algorithm + " mismatch: expected " + expected + ", got " + actual, null);
        this.algorithm = algorithm;
        this.expected = expected;
        this.actual = actual;
    }

    public String algorithm() {
        return algorithm;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
