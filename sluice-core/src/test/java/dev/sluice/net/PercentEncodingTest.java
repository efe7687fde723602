package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PercentEncodingTest {

    @Test
    void decodesAsciiHexInEitherCase() {
        assertThat(PercentEncoding.decode("caf%C3%a9%7E")).isEqualTo("café~".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void otherScriptsDigitsAreNotHexDigits() {
        // ARABIC-INDIC DIGIT ONE and TWO, FULLWIDTH DIGIT ONE: Character.digit reads them as 1
        // and 2, which made a percent sign before the first two decode as byte 0x12.
        assertThatThrownBy(() -> PercentEncoding.decode("a%\u0661\u0662"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PercentEncoding.decode("a%4\uFF11"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
