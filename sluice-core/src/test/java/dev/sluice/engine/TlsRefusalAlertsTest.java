package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which fatal alerts, read on a new TLS 1.3 connection before any response byte, are the
 * server's refusal of the client's side of the handshake (a connect failure), and which say
 * nothing of it (the exchange broke, and the server may have taken the request).
 */
class TlsRefusalAlertsTest {

    @ParameterizedTest
    @ValueSource(strings = {"certificate_required", "bad_certificate", "unknown_ca", "access_denied",
            "handshake_failure", "certificate_expired", "decrypt_error"})
    void anAlertAboutTheClientRefusesTheHandshake(String alert) {
        assertThat(TlsFailures.refusesTheClient(alert)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"internal_error", "unexpected_message", "record_overflow", "close_notify", "user_canceled"})
    void anotherAlertDoesNot(String alert) {
        assertThat(TlsFailures.refusesTheClient(alert)).isFalse();
    }
}
