package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The header values a download reads from a server besides names: Content-Range (206 and
 * 416), HTTP-dates and Retry-After. A value is the input read as ISO-8859-1, as the client
 * reads fields. None of these parsers may throw on any value: an unusable one is empty (or
 * a {@link ContentRange.Mismatch}, which the caller turns into a typed error).
 */
class DownloadHeadersFuzzTest {

    /** Bytes 0-7 are the offset the resume asked from; the rest is the Content-Range value. */
    @FuzzTest(maxDuration = "3m")
    @DictionaryEntries({"bytes ", "bytes */", "-", "/", "*", "9223372036854775807", "9223372036854775808", "BYTES "})
    void contentRangeParsesOnlyRangesThatMakeSense(byte[] input) {
        if (input.length < 8) {
            return;
        }
        long offset = 0;
        for (int i = 0; i < 8; i++) {
            offset = offset << 8 | (input[i] & 0xFF);
        }
        String value = new String(input, 8, input.length - 8, StandardCharsets.ISO_8859_1);
        Optional<ContentRange> parsed = ContentRange.parse(value);
        parsed.ifPresent(r -> {
            assertThat(r.first()).isNotNegative().isLessThanOrEqualTo(r.last());
            r.completeLength().ifPresent(c -> assertThat(r.last()).isLessThan(c));
            assertThat(r.length()).as("length of %s", r).isPositive();
            assertThat(ContentRange.parse(r.toString())).contains(r);
        });
        ContentRange.unsatisfiedSize(value).ifPresent(size -> assertThat(size).isNotNegative());
        OptionalLong known = (input[0] & 1) == 0 ? OptionalLong.empty() : OptionalLong.of(Math.abs(offset >> 1));
        OptionalLong contentLength = (input[0] & 2) == 0 ? OptionalLong.empty() : OptionalLong.of(Math.abs(offset >> 2));
        try {
            ContentRange r = ContentRange.checkResumed(value, Math.abs(offset), known, contentLength);
            assertThat(r.first()).isEqualTo(Math.abs(offset));
            assertThat(r.length()).isPositive();
        } catch (ContentRange.Mismatch e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        try {
            ContentRange r = ContentRange.checkExact(value, 0, Math.abs(offset), Math.abs(offset) + 1, contentLength);
            assertThat(r.length()).isEqualTo(Math.abs(offset) + 1);
        } catch (ContentRange.Mismatch e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** The value is the input read as ISO-8859-1; "now" is fixed so that runs repeat. */
    @FuzzTest(maxDuration = "3m")
    @DictionaryEntries({"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        "Feb", " 29 ", ":60 ", "9999", "0000", "Wednesday"})
    void httpDatesAndRetryAfterNeverThrow(byte[] input) {
        String value = new String(input, StandardCharsets.ISO_8859_1);
        Instant now = Instant.parse("2026-11-27T12:00:00Z");
        Optional<Instant> at = HttpDate.parse(value, now);
        at.ifPresent(instant -> {
            // What parsed, written back as an IMF-fixdate, names the same instant.
            int year = instant.atOffset(ZoneOffset.UTC).getYear();
            if (year >= 0 && year <= 9999) {
                String imf = DateTimeFormatter.ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.ROOT)
                        .format(instant.atOffset(ZoneOffset.UTC));
                assertThat(HttpDate.parse(imf, now)).as(imf).contains(instant);
            }
        });
        Optional<Duration> wait = RetryAfter.parse(value, now);
        wait.ifPresent(d -> assertThat(d.isNegative()).as("%s negative", d).isFalse());
        if (at.isPresent() && !at.get().isBefore(now)) {
            assertThat(wait).contains(Duration.between(now, at.get()));
        }
    }
}
