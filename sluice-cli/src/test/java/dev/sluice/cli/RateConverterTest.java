package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** {@code --limit-rate}: plain bytes or K, M, G as powers of 1024, per second. */
class RateConverterTest {
    @ParameterizedTest
    @CsvSource({
        "1, 1",
        "1000, 1000",
        "512K, 524288",
        "512k, 524288",
        "10M, 10485760",
        "1G, 1073741824",
        "1.5M, 1572864",
        "0.5K, 512",
        " 64K , 65536",
        "1.9, 1",
        "10MB, 10485760",
        "10MiB, 10485760"})
    void aRateIsParsedToBytesPerSecond(String text, long expected) {
        assertThat(RateConverter.parseBytesPerSecond(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "K", "10X", "10MX", "ten", "0", "0.5", "-1M", "2000000000G", "1e400"})
    void aBadRateIsRejected(String text) {
        assertThatThrownBy(() -> RateConverter.parseBytesPerSecond(text)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'" + text + "'");
    }
}
