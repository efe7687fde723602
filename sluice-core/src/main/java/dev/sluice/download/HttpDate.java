package dev.sluice.download;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP-date values (RFC 9110 §5.6.7) in all three formats a recipient must accept: the
 * preferred IMF-fixdate {@code Sun, 06 Nov 1994 08:49:37 GMT}, and the obsolete RFC 850
 * {@code Sunday, 06-Nov-94 08:49:37 GMT} and asctime {@code Sun Nov  6 08:49:37 1994} (its day
 * may be padded with a space). The day name is not checked against the date in the obsolete
 * formats. Used for Retry-After and for the Last-Modified and Date validators.
 *
 * <pre>{@code
 * Optional<Instant> at = HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", Instant.now());
 * }</pre>
 */
final class HttpDate {
    /** RFC 9110 §5.6.7: a two-digit year more than this far in the future is of the past century. */
    private static final int MAX_YEARS_AHEAD = 50;
    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    private static final String TIME = "(\\d\\d):(\\d\\d):(\\d\\d)";
    private static final Pattern IMF_FIXDATE = Pattern.compile(
            "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d\\d) " + MONTH + " (\\d{4}) " + TIME + " GMT",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern RFC_850 = Pattern.compile(
            "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d\\d)-" + MONTH + "-(\\d\\d) " + TIME + " GMT",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ASCTIME = Pattern.compile(
            "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + MONTH + " ( \\d|\\d\\d) " + TIME + " (\\d{4})",
            Pattern.CASE_INSENSITIVE);

    private HttpDate() {
    }

    /** The instant {@code value} names, with two-digit years read relative to now. */
    static Optional<Instant> parse(String value) {
        return parse(value, Instant.now());
    }

    /**
     * The instant {@code value} names, or empty when it is in none of the three formats; a
     * two-digit year is the one within {@value #MAX_YEARS_AHEAD} years after {@code now}'s, else
     * the most recent past year with those digits.
     */
    static Optional<Instant> parse(String value, Instant now) {
        String v = value.strip();
        // Exactly the grammar, as for the obsolete forms: a generic RFC 1123 parser would take a
        // two-digit year for the first century, and zone offsets HTTP does not have.
        Matcher m = IMF_FIXDATE.matcher(v);
        if (m.matches()) {
            return instant(Integer.parseInt(m.group(3)), m.group(2), m.group(1), m.group(4), m.group(5), m.group(6));
        }
        m = RFC_850.matcher(v);
        if (m.matches()) {
            int nowYear = now.atOffset(ZoneOffset.UTC).getYear();
            int year = nowYear - Math.floorMod(nowYear, 100) + Integer.parseInt(m.group(3));
            if (year > nowYear + MAX_YEARS_AHEAD) {
                year -= 100;
            } else if (year <= nowYear + MAX_YEARS_AHEAD - 100) {
                year += 100;
            }
            return instant(year, m.group(2), m.group(1), m.group(4), m.group(5), m.group(6));
        }
        m = ASCTIME.matcher(v);
        if (m.matches()) {
            return instant(Integer.parseInt(m.group(6)), m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
        }
        return Optional.empty();
    }

    private static Optional<Instant> instant(int year, String month, String day, String hour, String minute,
                                             String second) {
        try {
            int s = Integer.parseInt(second);
            // A leap second (60) is allowed on the wire; java.time has none, so it is the next second.
            LocalDateTime t = LocalDateTime.of(year, MONTHS.indexOf(month.toLowerCase(Locale.ROOT)) + 1,
                    Integer.parseInt(day.strip()), Integer.parseInt(hour), Integer.parseInt(minute), Math.min(s, 59));
            return Optional.of(t.plusSeconds(s == 60 ? 1 : 0).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
