package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Terminal columns as wcwidth counts them. */
class DisplayWidthTest {
    @Test
    void asciiTakesOneColumnEach() {
        assertThat(DisplayWidth.of("file.bin")).isEqualTo(8);
        assertThat(DisplayWidth.cut("file.bin", 4)).isEqualTo("file");
    }

    @Test
    void wideCharactersTakeTwoAndAreNeverCutInHalf() {
        String name = "\u6587\u4ef6\uD55C.bin"; // two CJK ideographs and a Hangul syllable
        assertThat(DisplayWidth.of(name)).isEqualTo(10);
        assertThat(DisplayWidth.cut(name, 3)).isEqualTo("\u6587");
        assertThat(DisplayWidth.cut("\uD83D\uDE00\uD83D\uDE00", 3)).isEqualTo("\uD83D\uDE00");
        // Emoji in the dingbat and symbol blocks that are wide too (a star, a cross, sparkles).
        assertThat(DisplayWidth.of("\u2B50\u274C\u2728\u26A1")).isEqualTo(8);
        // ... and neighbours that are not: a thermometer, a circled number 10 on black square.
        assertThat(DisplayWidth.of("\uD83C\uDF21\u3248")).isEqualTo(2);
    }

    @Test
    void combiningMarksTakeNone() {
        assertThat(DisplayWidth.of("e\u0301te\u0301")).isEqualTo(3);
    }
}
