package dev.sluice.codec;

import static dev.sluice.codec.Replay.decode;
import static dev.sluice.codec.Replay.failure;
import static dev.sluice.codec.Replay.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.codec.BodyFraming.Chunked;
import dev.sluice.codec.BodyFraming.FixedLength;
import dev.sluice.codec.BodyFraming.None;
import dev.sluice.codec.BodyFraming.UntilClose;
import dev.sluice.codec.ResponseDecoder.State;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BodyFraming#of} against RFC 9112 §6.3 (message body length), row by row, then the
 * decoder's {@code persistent} flag and how framing shows in whole exchanges.
 */
class BodyFramingTest {

    private static final List<Field> NO_FIELDS = List.of();

    static Stream<Arguments> framingRows() {
        return Stream.of(
                row("§6.3 ¶1: a response to HEAD has no body, whatever Content-Length says",
                        "HEAD", 200, fields("Content-Length", "42"), new None()),
                row("§6.3 ¶1: a response to HEAD has no body, even if chunked is announced",
                        "HEAD", 200, fields("Transfer-Encoding", "chunked"), new None()),
                row("§6.3 ¶1: 1xx has no body", "GET", 100, fields("Content-Length", "5"), new None()),
                row("§6.3 ¶1: 103 has no body", "GET", 103, NO_FIELDS, new None()),
                row("§6.3 ¶1: 204 has no body", "GET", 204, fields("Content-Length", "5"), new None()),
                row("§6.3 ¶1: 304 has no body", "GET", 304, fields("Content-Length", "5"), new None()),
                row("§6.3 ¶1: 304 has no body even with chunked", "GET", 304,
                        fields("Transfer-Encoding", "chunked"), new None()),
                row("§6.3 ¶2: a 2xx to CONNECT becomes a tunnel", "CONNECT", 200, NO_FIELDS, new None()),
                row("§6.3 ¶2: only a 2xx to CONNECT is a tunnel", "CONNECT", 407,
                        fields("Content-Length", "3"), new FixedLength(3)),
                row("§6.3 ¶2: CONNECT is case-sensitive (RFC 9110 §9.1)", "connect", 200, NO_FIELDS, new UntilClose()),
                row("§6.3 ¶1: HEAD is case-sensitive (RFC 9110 §9.1)", "head", 200,
                        fields("Content-Length", "2"), new FixedLength(2)),
                row("§6.3 ¶3: Transfer-Encoding overrides Content-Length", "GET", 200,
                        fields("Content-Length", "10", "Transfer-Encoding", "chunked"), new Chunked()),
                row("§6.3 ¶3: ...even an invalid Content-Length", "GET", 200,
                        fields("Content-Length", "x", "Transfer-Encoding", "chunked"), new Chunked()),
                row("§6.3 ¶4: chunked as the final coding", "GET", 200,
                        fields("Transfer-Encoding", "gzip, chunked"), new Chunked()),
                row("§6.3 ¶4: codings across field lines form one list (RFC 9110 §5.3)", "GET", 200,
                        fields("Transfer-Encoding", "gzip", "Transfer-Encoding", "chunked"), new Chunked()),
                row("§6.3 ¶4: coding names are case-insensitive (RFC 9112 §7)", "GET", 200,
                        fields("transfer-encoding", "CHUNKED"), new Chunked()),
                row("§6.3 ¶4: empty list elements are ignored (RFC 9110 §5.6.1.2)", "GET", 200,
                        fields("Transfer-Encoding", " , chunked ,"), new Chunked()),
                row("§6.3 ¶4: chunked not final in a response: read until close", "GET", 200,
                        fields("Transfer-Encoding", "chunked, gzip"), new UntilClose()),
                row("§6.3 ¶4: no chunked at all in a response: read until close", "GET", 200,
                        fields("Transfer-Encoding", "gzip"), new UntilClose()),
                row("RFC 2616's identity alone is no coding: the length frames the body", "GET", 200,
                        fields("Transfer-Encoding", "identity", "Content-Length", "5"), new FixedLength(5)),
                row("§6.3 ¶6: a valid Content-Length gives the length", "GET", 200,
                        fields("Content-Length", "5"), new FixedLength(5)),
                row("§6.3 ¶6: Content-Length 0", "POST", 201, fields("Content-Length", "0"), new FixedLength(0)),
                row("§6.3 ¶6: the largest Content-Length", "GET", 200,
                        fields("Content-Length", "9223372036854775807"), new FixedLength(Long.MAX_VALUE)),
                row("§6.3 ¶6: leading zeros are digits too", "GET", 200,
                        fields("Content-Length", "007"), new FixedLength(7)),
                row("§6.3 ¶5 with RFC 9110 §8.6: a repeated equal value as a list counts once", "GET", 200,
                        fields("Content-Length", "42, 42"), new FixedLength(42)),
                row("§6.3 ¶5 with RFC 9110 §8.6: repeated equal field lines count once", "GET", 200,
                        fields("Content-Length", "42", "content-length", "42"), new FixedLength(42)),
                row("§6.3 ¶6: field name is case-insensitive (RFC 9110 §5.1)", "GET", 200,
                        fields("CONTENT-LENGTH", "1"), new FixedLength(1)),
                row("§6.3 ¶8: no length declared: read until close", "GET", 200, NO_FIELDS, new UntilClose()),
                row("§6.3 ¶8: 205 is not special in §6.3", "GET", 205, NO_FIELDS, new UntilClose()),
                row("§6.3 ¶8: error statuses follow the same rules", "GET", 500, NO_FIELDS, new UntilClose()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framingRows")
    void framingFollowsRfc9112Section6Point3(String rule, String method, int status, List<Field> headers,
                                             BodyFraming expected) throws CodecException {
        assertThat(BodyFraming.of(method, status, headers)).isEqualTo(expected);
    }

    static Stream<Arguments> invalidFramingRows() {
        return Stream.of(
                invalid("§6.1: chunked applied twice", fields("Transfer-Encoding", "chunked, chunked"),
                        "Transfer-Encoding lists chunked 2 times: \"chunked, chunked\""),
                invalid("§6.1: chunked applied twice across field lines",
                        fields("Transfer-Encoding", "chunked", "Transfer-Encoding", "gzip, chunked"),
                        "Transfer-Encoding lists chunked 2 times: \"chunked, gzip, chunked\""),
                invalid("§6.1: Transfer-Encoding without any coding", fields("Transfer-Encoding", ""),
                        "Transfer-Encoding is present but lists no coding"),
                invalid("§6.3 ¶3: gzip beside a declared length", fields("Transfer-Encoding", "gzip", "Content-Length", "25"),
                        "Transfer-Encoding \"gzip\" (not chunked) with Content-Length"),
                invalid("§6.3 ¶5: differing values", fields("Content-Length", "42, 43"),
                        "Content-Length has differing values \"42\" and \"43\""),
                invalid("§6.3 ¶5: differing field lines", fields("Content-Length", "5", "Content-Length", "6"),
                        "Content-Length has differing values \"5\" and \"6\""),
                invalid("§6.3 ¶5: empty value", fields("Content-Length", ""), "Content-Length is empty"),
                invalid("§6.3 ¶5: a sign", fields("Content-Length", "+5"), "Content-Length \"+5\" is not a decimal number"),
                invalid("§6.3 ¶5: negative", fields("Content-Length", "-1"), "Content-Length \"-1\" is not a decimal number"),
                invalid("§6.3 ¶5: hex", fields("Content-Length", "0x10"), "Content-Length \"0x10\" is not a decimal number"),
                invalid("§6.3 ¶5: inner space", fields("Content-Length", "1 0"), "Content-Length \"1 0\" is not a decimal number"),
                invalid("§6.3 ¶5: fraction", fields("Content-Length", "1.5"), "Content-Length \"1.5\" is not a decimal number"),
                invalid("§6.3 ¶5: larger than a long", fields("Content-Length", "9223372036854775808"),
                        "Content-Length \"9223372036854775808\" is larger than 9223372036854775807"),
                invalid("§6.3 ¶5: far larger than a long", fields("Content-Length", "99999999999999999999999"),
                        "Content-Length \"99999999999999999999999\" is larger than 9223372036854775807"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFramingRows")
    void invalidFramingIsAnError(String rule, List<Field> headers, String message) {
        assertThatThrownBy(() -> BodyFraming.of("GET", 200, headers))
                .isInstanceOf(CodecException.class)
                .hasMessage(message);
    }

    static Stream<Arguments> persistenceRows() {
        return Stream.of(
                Arguments.of("RFC 9112 §9.3: HTTP/1.1 persists by default", "1.1", "Content-Length: 0", true),
                Arguments.of("RFC 9112 §9.6: close ends it", "1.1", "Content-Length: 0\r\nConnection: close", false),
                Arguments.of("RFC 9110 §7.6.1: options are case-insensitive tokens in a list", "1.1",
                        "Content-Length: 0\r\nConnection: Upgrade, CLOSE", false),
                Arguments.of("RFC 9110 §7.6.1: options across field lines", "1.1",
                        "Content-Length: 0\r\nConnection: te\r\nConnection: close", false),
                Arguments.of("RFC 9110 §7.6.1: 'closed' is not 'close'", "1.1",
                        "Content-Length: 0\r\nConnection: closed", true),
                Arguments.of("RFC 9110 §7.6.1: nor is 'clos'", "1.1", "Content-Length: 0\r\nConnection: clos, x", true),
                Arguments.of("RFC 9110 §5.6.1.2: empty elements and whitespace around one", "1.1",
                        "Content-Length: 0\r\nConnection: , ,\t close \t,", false),
                Arguments.of("RFC 9112 §9.3: HTTP/1.0 closes by default", "1.0", "Content-Length: 0", false),
                Arguments.of("RFC 9112 §9.3: HTTP/1.0 persists with keep-alive", "1.0",
                        "Content-Length: 0\r\nConnection: Keep-Alive", true),
                Arguments.of("RFC 9112 §9.3: close wins over keep-alive", "1.0",
                        "Content-Length: 0\r\nConnection: keep-alive, close", false),
                Arguments.of("RFC 9112 §6.3 ¶8: a close-delimited body cannot persist", "1.1", "X-A: b", false),
                Arguments.of("RFC 9112 §6.3 ¶4: chunked not final means close-delimited", "1.1",
                        "Transfer-Encoding: gzip", false),
                Arguments.of("RFC 9112 §6.3 ¶3: Transfer-Encoding with Content-Length may be smuggling", "1.1",
                        "Transfer-Encoding: chunked\r\nContent-Length: 0", false),
                Arguments.of("RFC 9112 §6.1: HTTP/1.0 with Transfer-Encoding has faulty framing", "1.0",
                        "Transfer-Encoding: chunked\r\nConnection: keep-alive", false),
                Arguments.of("RFC 9112 §6.3 ¶7: chunked HTTP/1.1 persists", "1.1", "Transfer-Encoding: chunked", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("persistenceRows")
    void persistenceFollowsVersionConnectionAndFraming(String rule, String version, String fieldLines,
                                                       boolean persistent) throws Exception {
        // Only the head matters here, so decode it directly rather than through a full exchange.
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("GET");
        var event = decoder.decode(java.nio.ByteBuffer.wrap(
                Replay.bytes("HTTP/" + version + " 200 OK\r\n" + fieldLines + "\r\n\r\n")));

        assertThat(((DecoderEvent.ResponseHead) event).persistent()).isEqualTo(persistent);
    }

    @Test
    void aTunnelOpenedByConnectIsNeverReused() throws Exception {
        // RFC 9110 §9.3.6: after a 2xx to CONNECT the connection carries the tunnel's bytes.
        ResponseDecoder decoder = new ResponseDecoder(Limits.DEFAULT);
        decoder.reset("CONNECT");
        var event = decoder.decode(java.nio.ByteBuffer.wrap(Replay.bytes("HTTP/1.1 200 Connection established\r\n\r\n")));

        assertThat(((DecoderEvent.ResponseHead) event).persistent()).isFalse();
    }

    @Test
    void bodyOfAHeadResponseIsLeftOverNotRead() {
        var decoded = decode("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(decoded.head().framing()).isEqualTo(new None());
        assertThat(decoded.body()).isEmpty();
        assertThat(decoded.leftover()).isEqualTo("hello");
    }

    @Test
    void notModifiedEndsWithItsHeadAndPersists() {
        var decoded = decode("HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\nETag: \"x\"\r\n\r\n");

        assertThat(decoded.events()).hasSize(2);
        assertThat(decoded.head().framing()).isEqualTo(new None());
        assertThat(decoded.head().persistent()).isTrue();
    }

    @Test
    void invalidContentLengthFailsAtTheEndOfTheHead() {
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n";
        CodecException e = failure(head + "\r\nhello");

        assertThat(e.getMessage()).isEqualTo("Content-Length has differing values \"5\" and \"6\"");
        assertThat(e.offset()).isEqualTo(head.length());
        assertThat(e.state()).isEqualTo(State.HEADERS);
    }

    @Test
    void chunkedTwiceFailsTheExchange() {
        CodecException e = failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n");

        assertThat(e.getMessage()).startsWith("Transfer-Encoding lists chunked 2 times");
    }

    private static Arguments row(String rule, String method, int status, List<Field> headers, BodyFraming expected) {
        return Arguments.of(rule, method, status, headers, expected);
    }

    private static Arguments invalid(String rule, List<Field> headers, String message) {
        return Arguments.of(rule, headers, message);
    }
}
