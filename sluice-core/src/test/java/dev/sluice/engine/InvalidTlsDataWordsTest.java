package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ProtocolViolationException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLProtocolException;
import org.junit.jupiter.api.Test;

/**
 * TLS that fails on the server's data after the handshake is named in plain words, the JDK's
 * own ("Tag mismatch") kept in brackets; an alert the server sent keeps its own words.
 */
class InvalidTlsDataWordsTest {
    private static final URI URL = URI.create("https://127.0.0.1:8443/f");
    private static final Timeouts TIMEOUTS = Timeouts.startingNow(Duration.ofSeconds(1), Duration.ofSeconds(1), null, null);

    @Test
    void aRecordThatFailsItsIntegrityCheckIsInvalidTlsData() {
        IOException e = Failures.exchange(new SSLException("bad_record_mac", new javax.crypto.AEADBadTagException("Tag mismatch")),
                URL, TIMEOUTS, Phase.READING_BODY, 100);
        assertThat(e).isInstanceOf(ProtocolViolationException.class).hasMessage(URL
                + ": connection failed while reading the body after 100 body bytes: the server's TLS data is invalid (Tag mismatch)");
    }

    @Test
    void aRecordTooLargeIsInvalidTlsDataToo() {
        IOException e = Failures.exchange(new SSLProtocolException("Illegal packet size"), URL, TIMEOUTS, Phase.READING_BODY, 0);
        assertThat(e).hasMessageEndingWith(": the server's TLS data is invalid (Illegal packet size)");
    }

    @Test
    void anAlertTheServerSentKeepsItsWords() {
        IOException e = Failures.exchange(new SSLException("(internal_error) Received fatal alert: internal_error"),
                URL, TIMEOUTS, Phase.READING_BODY, 0);
        assertThat(e.getMessage()).doesNotContain("TLS data is invalid").endsWith("Received fatal alert: internal_error");
    }

    /** A broken pipe while the JDK answered a renegotiation: the connection failed, not the data. */
    @Test
    void aSocketFailureUnderTheTlsLayerIsNotInvalidData() {
        // The chain the JDK throws (seen against Apache's renegotiation for a client certificate).
        IOException e = Failures.exchange(new SSLException("readApplicationRecord", new IOException("Broken pipe")),
                URL, TIMEOUTS, Phase.WAITING_FOR_HEAD, 0);
        assertThat(e.getMessage()).doesNotContain("TLS data is invalid").endsWith(": Broken pipe");
        IOException reset = Failures.exchange(new SSLException("readApplicationRecord",
                new java.net.SocketException("Connection reset by peer")), URL, TIMEOUTS, Phase.WAITING_FOR_HEAD, 0);
        assertThat(reset.getMessage()).doesNotContain("TLS data is invalid").endsWith(": Connection reset by peer");
    }

    @Test
    void aPlainConnectionFailureIsNotTls() {
        IOException e = Failures.exchange(new java.net.SocketException("Connection reset"), URL, TIMEOUTS, Phase.READING_BODY, 0);
        assertThat(e.getMessage()).endsWith(": Connection reset");
    }
}
