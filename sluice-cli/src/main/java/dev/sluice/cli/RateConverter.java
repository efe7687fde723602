package dev.sluice.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a rate in bytes per second as curl's and aria2c's {@code --limit-rate} do: a plain
 * number of bytes, or a number with the suffix K, M or G (either case) for 1024, 1024² or
 * 1024³ bytes. Decimals are allowed ({@code 1.5M}); the result is rounded down to whole bytes
 * and must be at least one byte per second.
 */
final class RateConverter implements ITypeConverter<Long> {
    /** More than an exbibyte per second is a typo. */
    private static final BigDecimal MAX_BYTES_PER_SECOND = BigDecimal.valueOf(1L << 60);

    @Override
    public Long convert(String value) {
        return parseBytesPerSecond(value);
    }

    static long parseBytesPerSecond(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            throw new TypeConversionException("'" + value + "' is not a rate: expected bytes per second, e.g. 512K, 10M, 1G");
        }
        int shift = switch (Character.toUpperCase(v.charAt(v.length() - 1))) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        String number = shift == 0 ? v : v.substring(0, v.length() - 1);
        BigDecimal bytes;
        try {
            // BigDecimal also takes "1e3"; a rate written that way is unusual but unambiguous.
            bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(1L << shift));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a rate: expected bytes per second, e.g. 512K, 10M, 1G");
        }
        if (bytes.compareTo(BigDecimal.ONE) < 0) {
            throw new TypeConversionException("'" + value + "' must be at least 1 byte per second");
        }
        if (bytes.compareTo(MAX_BYTES_PER_SECOND) > 0) {
            throw new TypeConversionException("'" + value + "' is more than " + MAX_BYTES_PER_SECOND
                    + " bytes per second");
        }
        return bytes.setScale(0, RoundingMode.FLOOR).longValueExact();
    }
}
