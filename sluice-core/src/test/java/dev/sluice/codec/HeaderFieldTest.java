package dev.sluice.codec;

import static dev.sluice.codec.Replay.decode;
import static dev.sluice.codec.Replay.failure;
import static dev.sluice.codec.Replay.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.codec.ResponseDecoder.State;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Header field lines (RFC 9112 §5, RFC 9110 §5): syntax, trimming, folding, forbidden octets. */
class HeaderFieldTest {

    /** "HTTP/1.1 200 OK\r\n" is 17 bytes, so the first field line starts at offset 17. */
    private static final String STATUS = "HTTP/1.1 200 OK\r\n";
    private static final int FIRST_FIELD = STATUS.length();

    @Test
    void fieldsKeepTheirOrderCaseAndDuplicates() {
        var head = decode(STATUS + """
                Content-Length: 0\r
                set-cookie: a=1\r
                Set-Cookie: b=2\r
                X-EMPTY:\r
                \r
                """).head();

        assertThat(head.headers()).isEqualTo(fields(
                "Content-Length", "0", "set-cookie", "a=1", "Set-Cookie", "b=2", "X-EMPTY", ""));
    }

    @Test
    void valuesAreTrimmedOfSpacesAndTabsButKeepInnerWhitespace() {
        var head = decode(STATUS + "X-A: \t a \t b \t\r\nX-B:c\r\nX-C:   \r\nContent-Length: 0\r\n\r\n").head();

        assertThat(head.headers()).isEqualTo(fields("X-A", "a \t b", "X-B", "c", "X-C", "", "Content-Length", "0"));
    }

    @Test
    void obsTextInValuesIsDecodedAsIso88591() {
        var head = decode(STATUS + "X-Name: J\u00fcrgen \u00ff\r\nContent-Length: 0\r\n\r\n").head();

        assertThat(head.headers().getFirst().value()).isEqualTo("J\u00fcrgen \u00ff");
    }

    @Test
    void obsFoldIsReplacedByOneSpace() {
        var head = decode(STATUS + """
                X-Folded: first\r
                   second\r
                \tthird  \r
                Content-Length: 0\r
                \r
                """).head();

        assertThat(head.headers()).isEqualTo(fields("X-Folded", "first second third", "Content-Length", "0"));
    }

    @Test
    void obsFoldOntoAnEmptyValueGivesTheContinuationAlone() {
        var head = decode(STATUS + "X-Folded:\r\n  later\r\n \r\nContent-Length: 0\r\n\r\n").head();

        assertThat(head.headers()).isEqualTo(fields("X-Folded", "later", "Content-Length", "0"));
    }

    @Test
    void obsFoldOnTheLastFieldLineOfAHeadOrTrailerSectionIsUnfolded() {
        var decoded = decode(STATUS + "Transfer-Encoding: chunked\r\nX-A: a\r\n b\r\n c\r\n\r\n"
                + "2\r\nok\r\n0\r\nX-T: t\r\n u\r\n\r\n");

        assertThat(decoded.head().headers()).isEqualTo(fields("Transfer-Encoding", "chunked", "X-A", "a b c"));
        assertThat(decoded.trailers()).isEqualTo(fields("X-T", "t u"));
    }

    @Test
    void aResponseThatFailedInsideAFoldLeavesNothingToTheNext() throws CodecException {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(Replay.bytes(STATUS + "X-A: a\r\n b\r\n c\u0001\r\n\r\n"))))
                .isInstanceOf(CodecException.class);

        decoder.reset("GET");
        DecoderEvent next = decoder.decode(ByteBuffer.wrap(Replay.bytes(STATUS + "X-B: c\r\nContent-Length: 0\r\n\r\n")));

        assertThat(((DecoderEvent.ResponseHead) next).headers()).isEqualTo(fields("X-B", "c", "Content-Length", "0"));
    }

    @Test
    void whitespaceBeforeTheFirstFieldLineIsRejected() {
        CodecException e = failure(STATUS + " X-Sneaky: 1\r\nContent-Length: 0\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("whitespace at the start of the first header field line");
        assertThat(e.offset()).isEqualTo(FIRST_FIELD);
        assertThat(e.state()).isEqualTo(State.HEADERS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length : 5", "Content-Length\t: 5", "Content Length: 5"})
    void whitespaceInsideAFieldNameIsRejected(String line) {
        CodecException e = failure(STATUS + line + "\r\n\r\n");

        assertThat(e.getMessage()).startsWith("whitespace in header field name");
        assertThat(e.offset()).isEqualTo(FIRST_FIELD + line.indexOf(line.contains("\t") ? '\t' : ' '));
    }

    @Test
    void fieldLineWithoutAColonIsRejected() {
        CodecException e = failure(STATUS + "Content-Length 5\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("header field line without a colon: \"Content-Length 5\"");
        assertThat(e.offset()).isEqualTo(FIRST_FIELD);
    }

    @Test
    void fieldLineWithAnEmptyNameIsRejected() {
        CodecException e = failure(STATUS + ": value\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("header field line with an empty name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X(y)", "X/y", "X\"y", "J\u00fcrgen", "X@y", "X{y}"})
    void fieldNameThatIsNotATokenIsRejected(String name) {
        CodecException e = failure(STATUS + name + ": v\r\n\r\n");

        assertThat(e.getMessage()).startsWith("header field name").contains(" contains 0x");
        assertThat(e.offset()).isEqualTo(FIRST_FIELD + 1);
    }

    @Test
    void nulInAFieldValueIsRejected() {
        CodecException e = failure(STATUS + "X-A: a\0b\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("NUL byte in the header section");
        assertThat(e.offset()).isEqualTo(FIRST_FIELD + 6);
    }

    @Test
    void nulInAFieldNameIsRejected() {
        CodecException e = failure(STATUS + "X\0A: b\r\n\r\n");

        assertThat(e.offset()).isEqualTo(FIRST_FIELD + 1);
    }

    @ParameterizedTest
    @ValueSource(chars = {0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F})
    void controlCharacterOtherThanHtabInAValueIsRejected(char control) {
        CodecException e = failure(STATUS + "X-A: a" + control + "b\r\n\r\n");

        assertThat(e.getMessage()).startsWith("value of header field \"X-A\" contains ");
        assertThat(e.offset()).isEqualTo(FIRST_FIELD + 6);
    }

    @Test
    void htabInsideAValueIsKept() {
        var head = decode(STATUS + "X-A: a\tb\r\nContent-Length: 0\r\n\r\n").head();

        assertThat(head.headers().getFirst().value()).isEqualTo("a\tb");
    }

    @Test
    void bareCrInsideAValueIsRejected() {
        CodecException e = failure(STATUS + "X-A: a\rb\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("CR not followed by LF (followed by 0x62)");
        assertThat(e.offset()).isEqualTo(FIRST_FIELD + 6);
    }

    @Test
    void doubledCrBeforeLfIsRejected() {
        CodecException e = failure(STATUS + "X-A: a\r\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("CR not followed by LF (followed by CR)");
        assertThat(e.offset()).isEqualTo(FIRST_FIELD + 6);
    }

    @Test
    void bareLfAndCrlfMayBeMixedInOneHead() {
        var decoded = decode("HTTP/1.1 200 OK\nX-A: 1\r\nContent-Length: 3\n\r\nabc");

        assertThat(decoded.head().headers()).isEqualTo(fields("X-A", "1", "Content-Length", "3"));
        assertThat(decoded.body()).isEqualTo("abc");
    }

    @Test
    void closeInTheHeadersSaysHowMuchOfTheHeadCame() {
        CodecException e = failure(STATUS + "X-A: 1\r\nX-B");

        assertThat(e.getMessage()).isEqualTo("connection closed in the headers after 28 bytes of the response head");
        assertThat(e.offset()).isEqualTo(28);
        assertThat(e.state()).isEqualTo(State.HEADERS);
    }

    @Test
    void closeAfterALoneCrCountsTheCr() {
        CodecException e = failure(STATUS + "X-A: 1\r");

        assertThat(e.offset()).isEqualTo(FIRST_FIELD + 7);
        assertThat(e.getMessage()).contains("after 24 bytes");
    }

    @Test
    void fieldNamesUseEveryTokenCharacter() {
        String name = "!#$%&'*+-.^_`|~09azAZ";
        var head = decode(STATUS + name + ": v\r\nContent-Length: 0\r\n\r\n").head();

        assertThat(head.headers().getFirst()).isEqualTo(new Field(name, "v"));
    }
}
