package dev.sluice;

import java.net.URI;
import java.time.Duration;

/** A configured time limit passed: connect, read (longest silence) or total. */
public abstract sealed class SluiceTimeoutException extends SluiceException
        permits ConnectTimeoutException, ReadTimeoutException, TotalTimeoutException {
    private static final long serialVersionUID = 1L;

    private final Duration limit;

    SluiceTimeoutException(URI uri, String message, Duration limit, Throwable cause) {
        super(uri, message, cause);
        this.limit = limit;
    }

    /** The limit that passed. */
    public Duration limit() {
        return limit;
    }

    /** {@code 30 s}, {@code 0.5 s}, {@code 0.0005 s}: exact, so a limit under a millisecond is not "0 s". */
    static String seconds(Duration d) {
        if (d.getNano() == 0) {
            return d.getSeconds() + " s";
        }
        String nanos = Integer.toString(1_000_000_000 + d.getNano()).substring(1);
        int end = nanos.length();
        while (nanos.charAt(end - 1) == '0') {
            end--;
        }
        return d.getSeconds() + "." + nanos.substring(0, end) + " s";
    }
}
