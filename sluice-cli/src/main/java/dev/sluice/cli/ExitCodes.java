package dev.sluice.cli;

import dev.sluice.ConnectFailedException;
import dev.sluice.HttpStatusException;
import dev.sluice.IntegrityException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.SluiceException;
import dev.sluice.SluiceTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The exit codes of the command line (CONTRACT.md) and the one mapping from an error to its
 * code. The switch over the sealed {@link SluiceException} hierarchy has no default, so a new
 * kind of error does not compile until it is given a code here.
 */
final class ExitCodes {
    static final int OK = 0;
    /** A bug in sluice: an exception nobody expected. Not in the contract; it should never be seen. */
    static final int INTERNAL_ERROR = 1;
    static final int USAGE = 2;
    static final int HTTP_STATUS = 3;
    static final int CONNECT = 4;
    static final int TIMEOUT = 5;
    static final int PROTOCOL = 6;
    static final int INTEGRITY = 7;
    static final int LOCAL_IO = 8;
    /** {@code download} with several URLs: at least one item failed. */
    static final int SOME_FAILED = 9;
    /**
     * {@code download} interrupted (SIGINT, SIGTERM) as {@link Main#run} returns it in-process:
     * 128 + SIGINT, as a shell reports a process a Ctrl-C ended. The process itself ends with the
     * JVM's status for the signal.
     */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The code for a failure of the remote side, checked exhaustively by the compiler. */
    static int of(SluiceException e) {
        return switch (e) {
            case HttpStatusException status -> HTTP_STATUS;
            case ConnectFailedException connect -> CONNECT;
            case SluiceTimeoutException timeout -> TIMEOUT;
            case ProtocolViolationException protocol -> PROTOCOL;
            case IntegrityException integrity -> INTEGRITY;
        };
    }

    /**
     * The code for a failed item of a download report, from its error kind (the table of
     * CONTRACT.md; the kinds are those of {@code Report.Error.of}).
     */
    static int ofKind(String kind) {
        return switch (kind) {
            case "http" -> HTTP_STATUS;
            case "connect" -> CONNECT;
            case "timeout" -> TIMEOUT;
            case "protocol" -> PROTOCOL;
            case "integrity" -> INTEGRITY;
            case "io" -> LOCAL_IO;
            default -> INTERNAL_ERROR;
        };
    }

    /**
     * The code for anything a command caught: the library's typed errors as above, any other
     * {@link IOException} is local (a file or stdout that cannot be read or written), and an
     * {@link IllegalArgumentException} means the request as given cannot be made (bad URL,
     * header or method), which is a usage error.
     */
    static int of(Throwable e) {
        return switch (e) {
            case SluiceException s -> of(s);
            case UncheckedIOException u -> of(u.getCause());
            case IOException io -> LOCAL_IO;
            case IllegalArgumentException bad -> USAGE;
            default -> INTERNAL_ERROR;
        };
    }
}
