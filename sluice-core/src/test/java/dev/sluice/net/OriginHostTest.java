package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host a connection goes to, for hosts java.net.URI does not take as a server name: an
 * international name (its IDNA ASCII form), a percent-encoded one (RFC 3986 §3.2.2), an IPv6
 * zone (RFC 6874: {@code %25} in the URI is the {@code %} a resolver reads).
 */
class OriginHostTest {
    @ParameterizedTest
    @CsvSource({
        "http://bücher.example:8080/x,        xn--bcher-kva.example, 8080",
        "http://BÜCHER.example/x,             xn--bcher-kva.example, 80",
        "https://例え.テスト/,                  xn--r8jz45g.xn--zckzah, 443",
        "http://b%C3%BCcher.example/x,        xn--bcher-kva.example, 80",
        "http://%6c%6fcalhost:81/x,           localhost,             81",
        "http://u:p@bücher.example:82/x,      xn--bcher-kva.example, 82",
        "http://my_host:83/x,                 my_host,               83",
        "http://[::1%25lo]:84/x,              ::1%lo,                84",
        "http://[fe80::1%25eth0]/x,           fe80::1%eth0,          80"})
    void theHostAResolverIsAskedFor(String url, String host, int port) {
        Origin origin = Origin.of(URI.create(url));
        assertThat(origin.host()).isEqualTo(host);
        assertThat(origin.port()).isEqualTo(port);
    }

    @Test
    void aZoneIsNeverInTheHostField() {
        assertThat(Origin.of(URI.create("http://[::1%25lo]:84/x")).hostHeader()).isEqualTo("[::1]:84");
        assertThat(Origin.of(URI.create("http://bücher.example/")).hostHeader()).isEqualTo("xn--bcher-kva.example");
    }

    /** IDNA 2003 (the JDK's) would send straße.de as strasse.de, IDNA 2008 as xn--strae-oqa.de: another host. */
    @ParameterizedTest
    @ValueSource(strings = {"http://0127.0.0.1:8080/", "http://127.0.0.01/", "https://010.1/", "http://00/"})
    void anIpv4AddressWithALeadingZeroIsAmbiguousAndRefused(String url) {
        // 0127.0.0.1: 127.0.0.1 to the JDK, 87.0.0.1 to curl and the C library.
        assertThatThrownBy(() -> Origin.of(URI.create(url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ambiguous IPv4 address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/", "http://0.0.0.0/", "http://10.0.0.1/", "http://2130706433/", "http://0/",
        "http://007.example/"})
    void anIpv4AddressWithoutLeadingZerosAndNamesAreNot(String url) {
        assertThat(Origin.of(URI.create(url)).host()).isEqualTo(URI.create(url).getHost());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://straße.de/", "http://stra%C3%9Fe.de/", "http://σς.example/"})
    void aNameTheTwoIdnaVersionsReadDifferentlyIsRefused(String url) {
        assertThatThrownBy(() -> Origin.of(URI.create(url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read two ways; give the host in its ASCII (xn--) form");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://a%2Fb/", "http://%zz/", "http://%C3/", "http://a%40b/", "http://a b.example/"})
    void whatIsNoHostNameIsRefusedNamingIt(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException notAUri) {
            return; // refused earlier, by java.net.URI
        }
        assertThatThrownBy(() -> Origin.of(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid host \"");
    }
}
