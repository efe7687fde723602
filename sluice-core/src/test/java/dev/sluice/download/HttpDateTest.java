package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.Headers;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP-dates in the three formats RFC 9110 §5.6.7 has every recipient accept. */
class HttpDateTest {
    private static final Instant NOW = Instant.parse("2026-11-27T13:00:00Z");
    private static final Instant AT = Instant.parse("2026-11-27T13:11:52Z");
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
        "Fri, 27 Nov 2026 13:11:52 GMT",
        "Friday, 27-Nov-26 13:11:52 GMT",
        "Fri Nov 27 13:11:52 2026",
        "  Fri Nov 27 13:11:52 2026 "})
    void eachFormatNamesTheSameInstant(String value) {
        assertThat(HttpDate.parse(value, NOW)).contains(AT);
    }

    @Test
    void anAsctimeDayMayBePaddedWithASpace() {
        assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994", NOW)).contains(Instant.parse("1994-11-06T08:49:37Z"));
        assertThat(HttpDate.parse("Sun Nov 06 08:49:37 1994", NOW)).contains(Instant.parse("1994-11-06T08:49:37Z"));
    }

    @Test
    void aTwoDigitYearMoreThanFiftyYearsAheadIsOfThePastCentury() {
        assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).contains(Instant.parse("1994-11-06T08:49:37Z"));
        assertThat(HttpDate.parse("Monday, 01-Jan-76 00:00:00 GMT", NOW)).contains(Instant.parse("2076-01-01T00:00:00Z"));
        assertThat(HttpDate.parse("Friday, 01-Jan-77 00:00:00 GMT", NOW)).contains(Instant.parse("1977-01-01T00:00:00Z"));
        // Late in a century, a small number is of the next one.
        assertThat(HttpDate.parse("Friday, 01-Jan-01 00:00:00 GMT", Instant.parse("2099-06-01T00:00:00Z")))
                .contains(Instant.parse("2101-01-01T00:00:00Z"));
    }

    @Test
    void aLeapSecondIsTakenInThePreferredFormatAsInTheObsoleteOnes() {
        assertThat(HttpDate.parse("Thu, 31 Dec 1998 23:59:60 GMT", NOW)).contains(Instant.parse("1999-01-01T00:00:00Z"));
        assertThat(HttpDate.parse("thu, 31 dec 1998 23:59:59 gmt", NOW)).contains(Instant.parse("1998-12-31T23:59:59Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "Friday, 27-Nov-2026 13:11:52 GMT", "Friday, 27-Nov-26 13:11:52 CET",
        "Fri Nov 27 13:11:52", "Fri Nov 31 13:11:52 2026", "Fri Nov 27 25:11:52 2026", "Friday, ２7-Nov-26 13:11:52 GMT",
        "Fri, 27 Nov 26 13:11:52 GMT", "Fri, 27 Nov 2026 13:11:52 +0100", "Fri, 27 Nov 2026 13:11:52 UT"})
    void anythingElseIsNoDate(String value) {
        assertThat(HttpDate.parse(value, NOW)).isEmpty();
    }

    @Test
    void retryAfterTakesTheObsoleteFormats() {
        assertThat(RetryAfter.parse("Friday, 27-Nov-26 13:11:52 GMT", NOW)).contains(Duration.ofSeconds(712));
        assertThat(RetryAfter.parse("Fri Nov 27 13:11:52 2026", NOW)).contains(Duration.ofSeconds(712));
    }

    @Test
    void aLastModifiedDateInAnObsoleteFormatIsAValidator() {
        Headers rfc850 = Headers.of("Last-Modified", "Sunday, 06-Nov-94 08:49:37 GMT", "Date", "Fri, 27 Nov 2026 13:11:52 GMT");
        Headers asctime = Headers.of("Last-Modified", "Sun Nov  6 08:49:37 1994", "Date", "Fri Nov 27 13:11:52 2026");

        assertThat(PartFile.strongValidator(rfc850)).contains("Sunday, 06-Nov-94 08:49:37 GMT");
        assertThat(PartFile.strongValidator(asctime)).contains("Sun Nov  6 08:49:37 1994");
    }

    @Test
    void theDownloaderWaitsForARetryAfterInAsctimeFormat() throws Exception {
        // Five minutes from now: far beyond the backoff of a first retry (at most a second).
        String later = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
                .format(Instant.now().plusSeconds(300).atOffset(ZoneOffset.UTC));
        List<Duration> waits = new CopyOnWriteArrayList<>();
        try (Client client = Client.newClient();
             var server = ScriptedServer.start(s -> s
                     .onRequest(0, r -> r.send(Responses.status(503, "busy", "Retry-After: " + later)))
                     .onEveryRequest((req, r) -> r.send(Responses.ok("done"))))) {
            Report report = Downloader.builder(client).directory(dir).sleeper(waits::add).build()
                    .run(List.of(DownloadJob.of(server.uri("/x"))));

            assertThat(report.items().get(0).attempts()).as("%s", report.toJson()).isEqualTo(2);
            assertThat(waits).singleElement().satisfies(d -> assertThat(d).isGreaterThan(Duration.ofSeconds(200)));
        }
    }
}
