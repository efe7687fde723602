package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Host field an origin gives: brackets for IPv6, the port unless default, never a zone. */
class OriginHostHeaderTest {
    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1/x,                 127.0.0.1",
        "http://127.0.0.1:8080/x,            127.0.0.1:8080",
        "https://127.0.0.1:443/x,            127.0.0.1",
        "http://[::1]:8080/x,                [::1]:8080",
        "http://[::1]/x,                     [::1]",
        // RFC 6874 §4: the zone means something on this host only and is not sent.
        "http://[fe80::1%25eth0]/x,          [fe80::1]",
        "https://[fe80::1%25eth0]:8443/x,    [fe80::1]:8443"})
    void theHostFieldOf(String url, String host) {
        assertThat(Origin.of(URI.create(url)).hostHeader()).isEqualTo(host);
    }
}
