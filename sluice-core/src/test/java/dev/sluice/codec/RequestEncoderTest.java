package dev.sluice.codec;

import static dev.sluice.codec.Replay.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request heads (RFC 9112 §3) and the checks that keep callers' data from forging requests. */
class RequestEncoderTest {

    @Test
    void headIsRequestLineThenFieldsThenEmptyLine() {
        byte[] head = RequestEncoder.encodeHead("GET", "/a/b?c=d", fields("Host", "example.com", "Accept", "*/*"));

        assertThat(text(head)).isEqualTo("""
                GET /a/b?c=d HTTP/1.1\r
                Host: example.com\r
                Accept: */*\r
                \r
                """);
    }

    @Test
    void headWithoutFieldsStillEndsWithAnEmptyLine() {
        assertThat(text(RequestEncoder.encodeHead("OPTIONS", "*", List.of()))).isEqualTo("OPTIONS * HTTP/1.1\r\n\r\n");
    }

    @Test
    void fieldOrderCaseAndDuplicatesAreKept() {
        byte[] head = RequestEncoder.encodeHead("POST", "/", fields("x-a", "1", "X-A", "2", "Content-Length", "0"));

        assertThat(text(head)).isEqualTo("POST / HTTP/1.1\r\nx-a: 1\r\nX-A: 2\r\nContent-Length: 0\r\n\r\n");
    }

    @Test
    void valuesAreWrittenAsIso88591WithTabsAndEmptyValuesAllowed() {
        byte[] head = RequestEncoder.encodeHead("GET", "/", fields("X-Name", "J\u00fcrgen\t\u00ff", "X-Empty", ""));

        assertThat(head).containsSequence(0xFC & 0xFF, 'r');
        assertThat(text(head)).isEqualTo("GET / HTTP/1.1\r\nX-Name: J\u00fcrgen\t\u00ff\r\nX-Empty: \r\n\r\n");
    }

    @Test
    void absoluteAndAuthorityFormTargetsAreAccepted() {
        assertThat(text(RequestEncoder.encodeHead("CONNECT", "example.com:443", List.of())))
                .startsWith("CONNECT example.com:443 HTTP/1.1\r\n");
        assertThat(text(RequestEncoder.encodeHead("GET", "http://example.com/%20x", List.of())))
                .startsWith("GET http://example.com/%20x HTTP/1.1\r\n");
    }

    @Test
    void encodedHeadDecodesAsTheSameFieldsThroughTheFieldRules() {
        // A round trip through the response decoder's field rules, by dressing the request as a response.
        List<Field> sent = fields("Host", "h", "X-Long", "a b  c", "Content-Length", "0");
        String head = text(RequestEncoder.encodeHead("GET", "/", sent));
        String asResponse = "HTTP/1.1 200 OK" + head.substring(head.indexOf("\r\n"));

        assertThat(Replay.decode(asResponse).head().headers()).isEqualTo(sent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GE T", "GET\r", "G(T", "G\u00c9T", "G/T"})
    void methodThatIsNotATokenIsRejected(String method) {
        assertThatThrownBy(() -> RequestEncoder.encodeHead(method, "/", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("method \"");
    }

    @Test
    void emptyMethodIsRejected() {
        assertThatThrownBy(() -> RequestEncoder.encodeHead("", "/", List.of())).hasMessage("method is empty");
    }

    @Test
    void methodMessageNamesTheCharacter() {
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GE T", "/", List.of()))
                .hasMessage("method \"GE T\" contains SP");
    }

    @Test
    void emptyTargetIsRejected() {
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "", List.of())).hasMessage("target is empty");
    }

    @Test
    void targetWithSpaceControlOrNonAsciiIsRejected() {
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/a b", List.of()))
                .hasMessage("target \"/a b\" contains SP");
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/a\r\nX: y", List.of()))
                .hasMessage("target \"/a\\r\\nX: y\" contains CR");
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/a\tb", List.of()))
                .hasMessage("target \"/a\\tb\" contains HTAB");
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/\u007f", List.of()))
                .hasMessage("target \"/\\u007f\" contains DEL");
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/caf\u00e9", List.of()))
                .hasMessage("target \"/caf\\u00e9\" contains non-ASCII 0xE9");
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/\u20ac", List.of()))
                .hasMessage("target \"/\\u20ac\" contains non-ASCII U+20AC");
    }

    @Test
    void fieldNameWithCrIsRejectedByName() {
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/", fields("X\r", "v")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header name \"X\\r\" contains CR");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X Y", "X:", "X\n", "X(1)", "\u00c4"})
    void fieldNameThatIsNotATokenIsRejected(String name) {
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/", fields(name, "v")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("header name ");
    }

    @Test
    void fieldValueWithCrLfOrNulIsRejectedByHeaderName() {
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/", fields("X-A", "1\r\nX-Injected: 2")))
                .hasMessage("value of header \"X-A\" contains CR");
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/", fields("X-A", "1\nX-Injected: 2")))
                .hasMessage("value of header \"X-A\" contains LF");
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/", fields("X-A", "1\0")))
                .hasMessage("value of header \"X-A\" contains NUL");
    }

    @ParameterizedTest
    @ValueSource(chars = {0x01, 0x0B, 0x1F, 0x7F})
    void fieldValueWithAnotherControlCharacterIsRejected(char control) {
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/", fields("X-A", "a" + control)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("value of header \"X-A\" contains ");
    }

    @Test
    void fieldValueOutsideIso88591IsRejected() {
        assertThatThrownBy(() -> RequestEncoder.encodeHead("GET", "/", fields("X-A", "\u20ac5")))
                .hasMessage("value of header \"X-A\" contains character outside ISO-8859-1 U+20AC");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
