package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;

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
}
