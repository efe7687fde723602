package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SluiceException;
import java.io.IOException;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * No socket to be had (EMFILE) is a local limit, not a failure to connect: it was reported as
 * "could not connect to ...: Too many open files", exit 4, and retried.
 */
class TooManyOpenFilesTest {
    @Test
    void tooManyOpenFilesIsALocalErrorNotAConnectFailure() {
        URI uri = URI.create("http://127.0.0.1:8080/x");
        Timeouts t = Timeouts.startingNow(Duration.ofSeconds(10), Duration.ofSeconds(30), null, null);

        IOException e = Failures.connect(new SocketException("Too many open files"), uri, t, false);

        assertThat(e).isNotInstanceOf(SluiceException.class)
                .hasMessage("http://127.0.0.1:8080/x: cannot open a socket: too many open files"
                        + " (a limit on file descriptors, the process's or the system's)")
                .hasCauseInstanceOf(SocketException.class);
    }
}
