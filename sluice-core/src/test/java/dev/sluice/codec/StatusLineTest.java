package dev.sluice.codec;

import static dev.sluice.codec.Replay.decode;
import static dev.sluice.codec.Replay.failure;
import static dev.sluice.codec.Replay.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.codec.DecoderEvent.BodyEnd;
import dev.sluice.codec.DecoderEvent.InformationalHead;
import dev.sluice.codec.ResponseDecoder.State;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The status line (RFC 9112 §4), interim 1xx responses, and the decoder's life cycle. */
class StatusLineTest {

    @Test
    void statusLineWithReasonIsParsed() {
        var head = decode("""
                HTTP/1.1 200 OK\r
                Content-Length: 0\r
                \r
                """).head();

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.reason()).isEqualTo("OK");
        assertThat(head.minorVersion()).isEqualTo(1);
    }

    @Test
    void reasonPhraseMayHoldSpacesTabsAndObsText() {
        var head = decode("HTTP/1.1 404 Pas\tde page tr\u00e8s loin\r\nContent-Length: 0\r\n\r\n").head();

        assertThat(head.reason()).isEqualTo("Pas\tde page tr\u00e8s loin");
    }

    /** A localised reason in UTF-8 reads as its sender wrote it (it was shown as "Ã¼ber"). */
    @Test
    void aReasonPhraseInUtf8IsReadAsUtf8() {
        // The test's text goes in as ISO-8859-1, one octet per character: these are the UTF-8 octets of "über".
        var head = decode("HTTP/1.1 404 Datei nicht gefunden: \u00c3\u00bcber\r\nContent-Length: 0\r\n\r\n").head();

        assertThat(head.reason()).isEqualTo("Datei nicht gefunden: \u00fcber");
    }

    @Test
    void emptyReasonAfterTheSpaceIsAccepted() {
        var head = decode("HTTP/1.1 204 \r\n\r\n").head();

        assertThat(head.status()).isEqualTo(204);
        assertThat(head.reason()).isEmpty();
    }

    @Test
    void statusLineWithoutSpaceAndReasonIsAccepted() {
        var head = decode("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").head();

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.reason()).isEmpty();
    }

    @Test
    void http10StatusLineReportsMinorVersionZero() {
        var head = decode("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").head();

        assertThat(head.minorVersion()).isZero();
    }

    @Test
    void bareLfLineTerminatorsAreAccepted() {
        var decoded = decode("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi");

        assertThat(decoded.head().headers()).isEqualTo(fields("Content-Length", "2"));
        assertThat(decoded.body()).isEqualTo("hi");
    }

    @Test
    void otherMajorVersionIsRejected() {
        CodecException e = failure("HTTP/2.0 200 OK\r\n\r\n");

        assertThat(e.getMessage()).contains("unsupported HTTP version").contains("HTTP/2.0 200 OK");
        assertThat(e.offset()).isEqualTo(5);
        assertThat(e.state()).isEqualTo(State.STATUS_LINE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2 200 OK", "HTTP/1.11 200 OK", "HTTP/1.1", "HTTP/1.1 ", "HTTP/x.1 200 OK"})
    void malformedVersionOrSpacingIsRejected(String statusLine) {
        CodecException e = failure(statusLine + "\r\n\r\n");

        assertThat(e.getMessage()).startsWith("malformed status line");
        assertThat(e.offset()).isZero();
    }

    @Test
    void lowerCaseHttpNameIsRejectedAtItsFirstByte() throws Exception {
        CodecException e = failure("http/1.1 200 OK\r\n\r\n");
        assertThat(e.getMessage()).isEqualTo("expected \"HTTP/\" at the start of the status line, got 0x68");
        assertThat(e.offset()).isZero();

        // One byte is enough to tell: the decoder does not wait for a line end.
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {'h'}))).isInstanceOf(CodecException.class);
    }

    @Test
    void peerSpeakingAnotherProtocolIsRejectedWhereItDiffers() {
        CodecException e = failure("HTTPS-ish garbage without a line end");

        assertThat(e.getMessage()).endsWith("got 0x53");
        assertThat(e.offset()).isEqualTo(4);
    }

    @Test
    void emptyLineBeforeTheStatusLineIsRejected() {
        CodecException e = failure("\r\nHTTP/1.1 200 OK\r\n\r\n");

        assertThat(e.getMessage()).endsWith("got CR");
        assertThat(e.offset()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2x0", "20 ", " 20", "OK "})
    void statusCodeThatIsNotThreeDigitsIsRejected(String code) {
        CodecException e = failure("HTTP/1.1 " + code + " OK\r\n\r\n");

        assertThat(e.getMessage()).startsWith("status code is not three digits");
        assertThat(e.offset()).isEqualTo(9);
    }

    @Test
    void fourDigitStatusCodeIsRejected() {
        CodecException e = failure("HTTP/1.1 2000 OK\r\n\r\n");

        assertThat(e.getMessage()).startsWith("expected SP after the status code");
        assertThat(e.offset()).isEqualTo(12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"000", "099", "600", "999"})
    void anyThreeDigitStatusIsAFinalResponseTakenAsSent(String code) {
        // RFC 9112 §4: status-code = 3DIGIT; RFC 9110 §15: one outside 100..599 is invalid, and a
        // client treats it as a 5xx, a final response (the caller's part), never an interim one.
        var decoded = decode("HTTP/1.1 " + code + " X\r\nContent-Length: 2\r\n\r\nhi");

        assertThat(decoded.head().status()).isEqualTo(Integer.parseInt(code));
        assertThat(decoded.head().reason()).isEqualTo("X");
        assertThat(decoded.informational()).isEmpty();
        assertThat(decoded.body()).isEqualTo("hi");
    }

    @Test
    void bareCrInTheStatusLineIsRejected() {
        CodecException e = failure("HTTP/1.1 200 OK\rX\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("CR not followed by LF (followed by 0x58)");
        assertThat(e.offset()).isEqualTo(15);
    }

    @Test
    void nulInTheStatusLineIsRejected() {
        CodecException e = failure("HTTP/1.1 200 O\0K\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("NUL byte in the status line");
        assertThat(e.offset()).isEqualTo(14);
    }

    @Test
    void controlCharacterInTheReasonIsRejected() {
        CodecException e = failure("HTTP/1.1 200 O\u0001K\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("reason phrase contains 0x01");
        assertThat(e.offset()).isEqualTo(14);
    }

    @Test
    void continueThenFinalResponseYieldsBothHeads() {
        var decoded = decode("""
                HTTP/1.1 100 Continue\r
                \r
                HTTP/1.1 200 OK\r
                Content-Length: 2\r
                \r
                ok""");

        assertThat(decoded.events()).hasSize(4);
        assertThat(decoded.events().get(0)).isEqualTo(new InformationalHead(100, "Continue", List.of()));
        assertThat(decoded.head().status()).isEqualTo(200);
        assertThat(decoded.body()).isEqualTo("ok");
    }

    @Test
    void severalInterimResponsesWithFieldsComeInOrder() {
        var decoded = decode("""
                HTTP/1.1 102 Processing\r
                \r
                HTTP/1.1 103 Early Hints\r
                Link: </style.css>; rel=preload\r
                \r
                HTTP/1.1 204 No Content\r
                \r
                """);

        assertThat(decoded.informational()).containsExactly(
                new InformationalHead(102, "Processing", List.of()),
                new InformationalHead(103, "Early Hints", fields("Link", "</style.css>; rel=preload")));
        assertThat(decoded.head().headers()).isEmpty();
    }

    @Test
    void switchingProtocolsIsRejectedBecauseNoUpgradeIsEverRequested() {
        CodecException e = failure("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");

        assertThat(e.getMessage()).contains("101 Switching Protocols");
        assertThat(e.offset()).isEqualTo(9);
        assertThat(e.state()).isEqualTo(State.HEADERS);
    }

    @Test
    void offsetsCountInterimHeadsBecauseTheyAreCountedFromReset() {
        CodecException e = failure("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2x0 OK\r\n\r\n");

        assertThat(e.offset()).isEqualTo(25 + 9);
    }

    @Test
    void closeBeforeAnyByteSaysTheStatusLineNeverCame() {
        CodecException e = failure("");

        assertThat(e.getMessage()).isEqualTo("connection closed before the status line");
        assertThat(e.offset()).isZero();
        assertThat(e.state()).isEqualTo(State.STATUS_LINE);
    }

    @Test
    void closeInsideTheStatusLineSaysHowMuchCame() {
        CodecException e = failure("HTTP/1.1 20");

        assertThat(e.getMessage()).isEqualTo("connection closed in the status line after 11 bytes of the response head");
        assertThat(e.offset()).isEqualTo(11);
    }

    @Test
    void closeAfterAnInterimResponseSaysTheFinalStatusLineNeverCame() {
        CodecException e = failure("HTTP/1.1 100 Continue\r\n\r\n");

        assertThat(e.getMessage()).isEqualTo("connection closed before the final status line");
        assertThat(e.offset()).isEqualTo(25);
    }

    @Test
    void decodeBeforeTheFirstResetIsAnIllegalState() {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);

        assertThat(decoder.state()).isEqualTo(State.DONE);
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.allocate(0))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void decodeAfterBodyEndIsAnIllegalStateUntilReset() throws Exception {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        ByteBuffer buf = ByteBuffer.wrap(Replay.bytes("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"));
        decoder.decode(buf);
        assertThat(decoder.decode(buf)).isEqualTo(new BodyEnd(List.of()));

        assertThatThrownBy(() -> decoder.decode(buf)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(decoder::endOfInput).isInstanceOf(IllegalStateException.class);
        assertThat(buf.remaining()).as("leftover untouched").isEqualTo("HTTP/1.1 204 No Content\r\n\r\n".length());

        decoder.reset("GET");
        assertThat(decoder.decode(buf)).isInstanceOf(DecoderEvent.ResponseHead.class);
    }

    @Test
    void decodeAfterAFailureIsAnIllegalStateUntilReset() throws Exception {
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(Replay.bytes("XTTP"))))
                .isInstanceOf(CodecException.class);
        assertThat(decoder.state()).isEqualTo(State.FAILED);

        assertThatThrownBy(() -> decoder.decode(ByteBuffer.allocate(0))).isInstanceOf(IllegalStateException.class);

        decoder.reset("GET");
        assertThat(decoder.decode(ByteBuffer.wrap(Replay.bytes("HTTP/1.1 204 OK\r\n\r\n"))))
                .isInstanceOf(DecoderEvent.ResponseHead.class);
    }
}
