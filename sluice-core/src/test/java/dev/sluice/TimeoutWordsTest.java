package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A limit is named exactly in the timeout's words: one under a millisecond read "0 s" and
 * 1.5 ms read "0.001 s", as if the user had not given what they gave.
 */
class TimeoutWordsTest {

    @ParameterizedTest
    @CsvSource({
        "PT30S,        30 s",
        "PT0.5S,       0.5 s",
        "PT0.3S,       0.3 s",
        "PT1.25S,      1.25 s",
        "PT0.0015S,    0.0015 s",
        "PT0.0005S,    0.0005 s",
        "PT0.000000001S, 0.000000001 s",
        "PT3600S,      3600 s"})
    void aLimitIsSaidAsGiven(String limit, String words) {
        assertThat(SluiceTimeoutException.seconds(Duration.parse(limit))).isEqualTo(words);
        var e = new ConnectTimeoutException(java.net.URI.create("http://h/"), "connecting to h port 80 (connect timeout)",
                Duration.parse(limit), null);
        assertThat(e).hasMessageEndingWith("took longer than " + words);
    }
}
