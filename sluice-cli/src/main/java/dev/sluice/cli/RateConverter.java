package dev.sluice.cli;

import picocli.CommandLine.ITypeConverter;

/**
 * Parses a rate in bytes per second as curl's and aria2c's {@code --limit-rate} do: a plain
 * number of bytes, or a number with the suffix K, M or G (either case) for 1024, 1024² or
 * 1024³ bytes. Decimals are allowed ({@code 1.5M}); the result is rounded down to whole bytes
 * and must be at least one byte per second.
 */
final class RateConverter implements ITypeConverter<Long> {
    /** More than an exbibyte per second is a typo. */
    private static final ByteCount RATE = new ByteCount("rate", " per second", "512K, 10M, 1G", 1L << 60);

    @Override
    public Long convert(String value) {
        return parseBytesPerSecond(value);
    }

    static long parseBytesPerSecond(String value) {
        return RATE.parse(value);
    }
}
