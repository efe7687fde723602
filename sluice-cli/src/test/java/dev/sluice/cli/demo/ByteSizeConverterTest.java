package dev.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ByteSizeConverterTest {
    @ParameterizedTest
    @CsvSource({
        "1, 1", "65536, 65536", "512K, 524288", "512k, 524288", "2M, 2097152", "2MiB, 2097152", "2MB, 2097152",
        "1.5M, 1572864", "1G, 1073741824", "' 10M ', 10485760", "1.0001, 1"})
    void sizesAreBytesOrBinaryMultiples(String text, long bytes) {
        assertThat(ByteSizeConverter.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0.5", "-1", "-1K", "K", "2X", "two", "1e400", "2T"})
    void anythingElseIsRejectedWithTheValueInTheMessage(String text) {
        assertThatThrownBy(() -> ByteSizeConverter.parse(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'" + text + "'");
    }
}
