package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Expected digests are written in ASCII hex digits, and nothing else passes for them. */
class ChecksumTest {
    @Test
    void upperAndLowerCaseHexDigitsAreAccepted() {
        assertThat(Checksum.parse("sha1=" + "0123456789ABCDEFabcd".repeat(2)).hex()).isEqualTo("0123456789abcdefabcd".repeat(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uFF10", "\u0660", "\u0966", "\uFF41", "g"})
    void digitsOfOtherScriptsAreNoHexDigits(String digit) {
        assertThatThrownBy(() -> Checksum.parse("sha256=" + digit.repeat(64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sha256 checksum must be 64 hex digits");
    }
}
