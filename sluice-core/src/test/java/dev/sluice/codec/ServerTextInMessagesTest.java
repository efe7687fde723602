package dev.sluice.codec;

import static dev.sluice.codec.Replay.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * Invisible characters that reorder or break a line on a terminal: bidi overrides, embeddings
     * and isolates, zero-width ones, the byte order mark, a soft hyphen, the line and paragraph
     * separators. A reason phrase may now be UTF-8, so a server can send any of them.
     */
    @ParameterizedTest
    @ValueSource(chars = {'\u202E', '\u202A', '\u200B', '\u200D', '\u200F', '\uFEFF', '\u2066', '\u2067', '\u2068',
        '\u2069', '\u061C', '\u00AD', '\u2028', '\u2029'})
    void formatCharactersAndLineSeparatorsAreEscaped(char c) {
        String escaped = String.format("\\u%04x", (int) c);

        assertThat(ServerText.excerpt("Not" + c + "Found", 80)).isEqualTo("Not" + escaped + "Found");
    }

    /** "Not Found" in front, then a right-to-left override that would show "exe.gnp" backwards. */
    @Test
    void aHostileReasonPhraseKeepsItsOrdinaryTextAndEscapesTheOverride() {
        String reason = "\u00dcber \u65e5\u672c \uD83D\uDE00 Not Found \u202Egnp.exe";

        assertThat(ServerText.excerpt(reason, 80))
                .isEqualTo("\u00dcber \u65e5\u672c \uD83D\uDE00 Not Found \\u202egnp.exe");
    }

    /** A format character outside the BMP (a language tag) is escaped as its two halves, as in Java source. */
    @Test
    void aFormatCharacterOutsideTheBmpIsEscapedWhole() {
        String tag = new String(Character.toChars(0xE0001));

        assertThat(ServerText.excerpt("a" + tag + "b", 80)).isEqualTo("a\\udb40\\udc01b");
    }

    @Test
    void loneSurrogatesAreEscaped() {
        assertThat(ServerText.excerpt("a\uD83Db", 80)).isEqualTo("a\\ud83db");
        assertThat(ServerText.excerpt("a\uDE00", 80)).isEqualTo("a\\ude00");
        assertThat(ServerText.excerpt("\uDE00\uD83D", 80)).isEqualTo("\\ude00\\ud83d");
    }

    @Test
    void anEmojiAtTheCutIsKeptWhole() {
        String emoji = "\uD83D\uDE00";

        assertThat(ServerText.excerpt("a".repeat(79) + emoji + "b", 80)).isEqualTo("a".repeat(79) + emoji + "...");
    }

    /** Whatever the limit, the excerpt holds no half of a pair: a terminal would show a replacement character. */
    @Test
    void noCutLeavesHalfASurrogatePair() {
        String text = "ab\uD83D\uDE00c\uD83D\uDE00\uD83D\uDE00d";

        IntStream.rangeClosed(0, text.length()).forEach(max -> assertThat(ServerText.excerpt(text, max))
                .as("cut at %d", max)
                .satisfies(shown -> assertThat(shown.codePoints())
                        .noneMatch(cp -> Character.getType(cp) == Character.SURROGATE)));
    }

    /** An escape that reaches the limit is shown whole, never as a partial escape. */
    @Test
    void anEscapeAtTheCutIsKeptWhole() {
        String tag = new String(Character.toChars(0xE0001));

        assertThat(ServerText.excerpt("a".repeat(79) + "\u202Eb", 80)).isEqualTo("a".repeat(79) + "\\u202e...");
        assertThat(ServerText.excerpt("a".repeat(79) + tag + "b", 80)).isEqualTo("a".repeat(79) + "\\udb40\\udc01...");
    }
}
