package dev.sluice.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads byte counts as curl's and aria2c's {@code --limit-rate} do: a plain number of bytes,
 * or a number with the suffix K, M or G (either case, an optional trailing {@code B} or
 * {@code iB}) for 1024, 1024² or 1024³ bytes. Decimals are allowed ({@code 1.5M}) and rounded
 * down to whole bytes; the result is at least one and at most {@code max}.
 *
 * @param kind     what the value is, for messages: "rate", "size"
 * @param per      the unit's tail, for messages: " per second", or ""
 * @param examples examples for messages: "512K, 10M, 1G"
 * @param max      the largest value accepted; more is taken for a typo
 */
public record ByteCount(String kind, String per, String examples, long max) {

    public long parse(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
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
            // BigDecimal also takes "1e3": unusual but unambiguous.
            bytes = new BigDecimal(Main.ascii(number)).multiply(BigDecimal.valueOf(1L << shift));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a " + kind + ": expected bytes" + per
                    + ", e.g. " + examples);
        }
        if (bytes.compareTo(BigDecimal.ONE) < 0) {
            throw new TypeConversionException("'" + value + "' must be at least 1 byte" + per);
        }
        if (bytes.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new TypeConversionException("'" + value + "' is more than " + max + " bytes" + per);
        }
        return bytes.setScale(0, RoundingMode.FLOOR).longValueExact();
    }
}
