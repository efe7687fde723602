package dev.sluice.codec;

import static dev.sluice.codec.Replay.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text the server chose goes into error messages quoted, escaped and cut after about 80
 * characters: a head may hold 64 KiB, and every message becomes one line on a terminal or in a
 * download report.
 */
class ServerTextInMessagesTest {

    private static final String STATUS = "HTTP/1.1 200 OK\r\n";
    /** The longest excerpt (80 characters, an escape that crosses it, "..." and quotes) plus the fixed words. */
    private static final int MAX_MESSAGE_CHARS = 200;
    private static final String LONG = "x".repeat(60_000);

    static Stream<Arguments> longServerText() {
        return Stream.of(
                Arguments.of("Content-Length: 5, 6, " + LONG, "Content-Length has differing values \"5\" and \"6\""),
                Arguments.of("Content-Length: 5, 6" + LONG, "Content-Length \"6xxxxxxxx"),
                Arguments.of("Content-Length: 99999999999999999999" + LONG, "Content-Length \"99999999999999999999x"),
                Arguments.of("A".repeat(60_000) + ": \u0001", "value of header field \"AAAAAAAA"),
                Arguments.of("Transfer-Encoding: chunked, g" + "g".repeat(60_000) + ", chunked",
                        "Transfer-Encoding lists chunked 2 times: \"chunked, gggg"));
    }

    @ParameterizedTest
    @MethodSource("longServerText")
    void aLongFieldInAnErrorIsCutShort(String fieldLine, String messageStart) {
        CodecException e = failure(STATUS + fieldLine + "\r\n\r\n");

        assertThat(e.getMessage()).startsWith(messageStart).hasSizeLessThan(MAX_MESSAGE_CHARS);
    }

    @Test
    void octetsOutsidePrintableAsciiInAQuotedValueAreEscaped() {
        CodecException e = failure(STATUS + "Content-Length: 1\u00ff\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("Content-Length \"1\\u00ff\" is not a decimal number");
    }

    @Test
    void aQuotedStringStopsAfterEightyCharacters() {
        assertThat(CharClass.quote("y".repeat(80))).isEqualTo('"' + "y".repeat(80) + '"');
        assertThat(CharClass.quote("y".repeat(81))).isEqualTo('"' + "y".repeat(80) + "...\"");
        assertThat(CharClass.quote("\u0001".repeat(1000))).isEqualTo('"' + "\\u0001".repeat(14) + "...\"");
    }
}
