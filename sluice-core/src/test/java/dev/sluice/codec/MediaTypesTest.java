package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Media type parameters by RFC 9110 §5.6.6: tokens, quoted strings with ; and escapes inside. */
class MediaTypesTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "text/plain; charset=utf-8                              | utf-8",
        "text/plain;charset=ISO-8859-1                          | ISO-8859-1",
        "text/plain; CHARSET=\"utf-16be\"                       | utf-16be",
        "text/plain; format=\"a;charset=x\"; charset=utf-16be   | utf-16be",
        "text/plain; format=\"a\\\"; charset=x\"; charset=koi8-r | koi8-r",
        "text/plain; charset=\"a\\\\b\"                          | a\\b",
        "text/plain; charset= utf-8 ; format=flowed             | utf-8",
        "text/plain; charset=utf-8; charset=latin1              | utf-8",
        "text/plain                                             | NONE",
        "text/plain; format=flowed                              | NONE",
        "text/plain; charset                                    | NONE",
        "''                                                     | NONE",
    })
    void theCharsetParameterIsFoundOutsideQuotedStrings(String mediaType, String expected) {
        String value = mediaType.equals("''") ? "" : mediaType;
        assertThat(MediaTypes.parameter(value, "charset").orElse(null)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "efbbbf41 | UTF-8    | 3",
        "efbbbf   | UTF-8    | 3",
        "feff0041 | UTF-16BE | 2",
        "fffe4100 | UTF-16LE | 2",
        "fffe     | UTF-16LE | 2",
        "efbb     | NONE     | 0",
        "efbbbe   | NONE     | 0",
        "fe       | NONE     | 0",
        "fffffe   | NONE     | 0",
        "41efbbbf | NONE     | 0",
        "''       | NONE     | 0",
    })
    void aByteOrderMarkIsFoundOnlyWholeAndAtTheStart(String hex, String charset, int length) {
        byte[] bytes = hex.equals("''") ? new byte[0] : HexFormat.of().parseHex(hex);
        var mark = MediaTypes.byteOrderMark(bytes, bytes.length);
        assertThat(mark.map(m -> m.charset().name()).orElse(null)).isEqualTo(charset);
        assertThat(mark.map(MediaTypes.ByteOrderMark::length).orElse(0)).isEqualTo(length);
    }

    @Test
    void aByteOrderMarkIsLookedForOnlyInTheBytesGiven() {
        byte[] bytes = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        assertThat(MediaTypes.byteOrderMark(bytes, 2)).isEmpty();
        assertThat(MediaTypes.byteOrderMarkBytes(0xef)).isEqualTo(3);
        assertThat(MediaTypes.byteOrderMarkBytes(0xff)).isEqualTo(2);
        assertThat(MediaTypes.byteOrderMarkBytes('a')).isEqualTo(1);
    }
}
