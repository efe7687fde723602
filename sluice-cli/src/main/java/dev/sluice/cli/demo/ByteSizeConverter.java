package dev.sluice.cli.demo;

import dev.sluice.cli.ByteCount;
import picocli.CommandLine.ITypeConverter;

/**
 * Parses a byte count as {@code --size} and {@code --bandwidth} take it: a plain number of
 * bytes, or a number with the suffix K, M or G (either case, an optional trailing {@code B} or
 * {@code iB}) for 1024, 1024² or 1024³ bytes, the way curl's {@code --limit-rate} reads it.
 * Decimals are allowed ({@code 1.5M}) and rounded down to whole bytes; the result is at least one.
 */
final class ByteSizeConverter implements ITypeConverter<Long> {
    /** More than a tebibyte is a typo for a demo. */
    static final long MAX_BYTES = 1L << 40;
    private static final ByteCount SIZE = new ByteCount("size", "", "65536, 512K, 2M", MAX_BYTES);

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        return SIZE.parse(value);
    }
}
