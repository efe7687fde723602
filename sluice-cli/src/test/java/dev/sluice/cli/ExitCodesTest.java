package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ConnectFailedException;
import dev.sluice.ConnectTimeoutException;
import dev.sluice.HttpStatusException;
import dev.sluice.IntegrityException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.ReadTimeoutException;
import dev.sluice.TotalTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The table of CONTRACT.md, one exception type at a time, and the one-line rule for messages. */
class ExitCodesTest {
    private static final URI URL = URI.create("http://127.0.0.1:8080/x");
    private static final Duration LIMIT = Duration.ofMillis(500);

    @Test
    void eachKindOfLibraryErrorHasTheContractsCode() {
        assertThat(ExitCodes.of(new HttpStatusException(URL, 404, "Not Found"))).isEqualTo(3);
        assertThat(ExitCodes.of(new ConnectFailedException(URL, "refused", null))).isEqualTo(4);
        assertThat(ExitCodes.of(new ConnectTimeoutException(URL, "connecting", LIMIT, null))).isEqualTo(5);
        assertThat(ExitCodes.of(new ReadTimeoutException(URL, "reading the body", LIMIT, null))).isEqualTo(5);
        assertThat(ExitCodes.of(new TotalTimeoutException(URL, "reading the body", LIMIT, null))).isEqualTo(5);
        assertThat(ExitCodes.of(new ProtocolViolationException(URL, "truncated", 10, null))).isEqualTo(6);
        assertThat(ExitCodes.of(new IntegrityException(URL, "SHA-256", "ab", "cd"))).isEqualTo(7);
    }

    @Test
    void otherErrorsAreLocalUsageOrInternal() {
        assertThat(ExitCodes.of((Throwable) new AccessDeniedException("/root/x"))).isEqualTo(8);
        assertThat(ExitCodes.of((Throwable) new IOException("No space left on device"))).isEqualTo(8);
        assertThat(ExitCodes.of((Throwable) new IllegalArgumentException("bad header"))).isEqualTo(2);
        assertThat(ExitCodes.of((Throwable) new IllegalStateException("bug"))).isEqualTo(1);
    }

    @Test
    void anUncheckedWrapperCountsAsWhatItWraps() {
        var wrapped = new UncheckedIOException(new ProtocolViolationException(URL, "cut", 5, null));

        assertThat(ExitCodes.of((Throwable) wrapped)).isEqualTo(6);
    }

    @Test
    void aLibraryErrorAsThrowableKeepsItsCode() {
        assertThat(ExitCodes.of((Throwable) new HttpStatusException(URL, 500, ""))).isEqualTo(3);
    }

    @Test
    void controlCharactersInAMessageAreEscapedOntoOneLine() {
        assertThat(ErrorLine.oneLine("a\r\nb\tc\u001b[31md\u007f")).isEqualTo("a\\x0d\\x0ab\\x09c\\x1b[31md\\x7f");
        assertThat(ErrorLine.oneLine("plain text, é ü")).isEqualTo("plain text, é ü");
        assertThat(ErrorLine.oneLine(null)).isEmpty();
    }
}
