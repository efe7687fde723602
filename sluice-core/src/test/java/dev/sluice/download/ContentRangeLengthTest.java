package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A Content-Range is taken only when the number of bytes it covers fits a long: "bytes
 * 0-9223372036854775807/*" (found by DownloadHeadersFuzzTest) parsed, and its length() was
 * Long.MIN_VALUE, a negative byte count for whoever sizes a body or a file by it.
 */
class ContentRangeLengthTest {

    @Test
    void aRangeOfTwoToTheSixtyThreeBytesIsNotARange() {
        assertThat(ContentRange.parse("bytes 0-9223372036854775807/*")).isEmpty();
    }

    @Test
    void theLargestRangesThatFitAreStillRanges() {
        assertThat(ContentRange.parse("bytes 1-9223372036854775807/*").orElseThrow().length())
                .isEqualTo(Long.MAX_VALUE);
        assertThat(ContentRange.parse("bytes 0-9223372036854775806/9223372036854775807").orElseThrow().length())
                .isEqualTo(Long.MAX_VALUE);
        assertThat(ContentRange.parse("bytes 0-9223372036854775806/*")).get()
                .extracting(ContentRange::completeLength).isEqualTo(OptionalLong.empty());
    }
}
