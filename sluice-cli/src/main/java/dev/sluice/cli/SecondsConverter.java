package dev.sluice.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a time limit given in seconds, decimals allowed ({@code 0.5}, {@code 30}), into a
 * {@link Duration}. Zero, negative, NaN and absurdly large values are usage errors: a limit of
 * zero would fail every request, and curl's "0 means none" would surprise in a script.
 */
final class SecondsConverter implements ITypeConverter<Duration> {
    /**
     * Larger limits are typos; a year is still accepted. A long, not a BigDecimal: picocli makes
     * this converter for every run, and a BigDecimal constant would initialise the class
     * BigDecimal, whose static initialiser (JDK 25) computes 5 to the power 65,536 in the
     * interpreter, about 17 ms of every command's start-up, used or not.
     */
    private static final long MAX_SECONDS = 366L * 24 * 3600;

    @Override
    public Duration convert(String value) {
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(Main.ascii(value.trim()));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number of seconds");
        }
        if (seconds.signum() <= 0) {
            throw new TypeConversionException("'" + value + "' must be more than 0 seconds");
        }
        if (seconds.compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
            throw new TypeConversionException("'" + value + "' is more than " + MAX_SECONDS + " seconds");
        }
        // Rounded up to whole nanoseconds so that a tiny positive value stays positive.
        long nanos = seconds.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
        return Duration.ofNanos(nanos);
    }
}
