package dev.sluice.cli.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a byte count as {@code --size} and {@code --bandwidth} take it: a plain number of
 * bytes, or a number with the suffix K, M or G (either case, an optional trailing {@code B} or
 * {@code iB}) for 1024, 1024² or 1024³ bytes, the way curl's {@code --limit-rate} reads it.
 * Decimals are allowed ({@code 1.5M}) and rounded down to whole bytes; the result is at least one.
 */
final class ByteSizeConverter implements ITypeConverter<Long> {
    /** More than a tebibyte is a typo for a demo. */
    static final long MAX_BYTES = 1L << 40;

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        String v = value.trim().toUpperCase(java.util.Locale.ROOT);
        if (v.endsWith("IB")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        int shift = v.isEmpty() ? 0 : switch (v.charAt(v.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        String number = shift == 0 ? v : v.substring(0, v.length() - 1);
        BigDecimal bytes;
        try {
            bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(1L << shift));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a size: expected bytes, e.g. 65536, 512K, 2M");
        }
        if (bytes.compareTo(BigDecimal.ONE) < 0) {
            throw new TypeConversionException("'" + value + "' must be at least 1 byte");
        }
        if (bytes.compareTo(BigDecimal.valueOf(MAX_BYTES)) > 0) {
            throw new TypeConversionException("'" + value + "' is more than " + MAX_BYTES + " bytes");
        }
        return bytes.setScale(0, RoundingMode.FLOOR).longValueExact();
    }
}
