package dev.sluice.download;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@code Content-Range: bytes FIRST-LAST/COMPLETE} value (RFC 9110 §14.4), and the checks
 * that decide whether a 206 answers the range that was asked for. A 206 whose range is not
 * the one requested cannot be written at the part file's end: its bytes would land at the
 * wrong offset, or the file would end at a length that is not the file's.
 *
 * <pre>{@code
 * ContentRange r = ContentRange.parse("bytes 4000-9999/10000").orElseThrow();
 * r.length();  // 6000, what the body must hold
 * }</pre>
 *
 * @param first          the first byte position
 * @param last           the last byte position, inclusive
 * @param completeLength the length of the whole representation, empty for {@code *}
 */
record ContentRange(long first, long last, OptionalLong completeLength) {

    /** How many bytes the range covers, and so how many the body must hold. */
    long length() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return "bytes " + first + "-" + last + "/" + (completeLength.isPresent() ? completeLength.getAsLong() : "*");
    }

    /**
     * The value as a range, or empty when it is not {@code bytes FIRST-LAST/(COMPLETE|*)} with
     * {@code FIRST <= LAST < COMPLETE} and a length that a long holds. The unit is case-insensitive (§14.1);
     * numbers are plain digits.
     */
    static Optional<ContentRange> parse(String value) {
        String v = value.trim();
        if (!v.toLowerCase(Locale.ROOT).startsWith("bytes ")) {
            return Optional.empty();
        }
        int dash = v.indexOf('-', 6);
        int slash = v.indexOf('/', 6);
        if (dash < 0 || slash < dash) {
            return Optional.empty();
        }
        OptionalLong first = digits(v.substring(6, dash));
        OptionalLong last = digits(v.substring(dash + 1, slash));
        String rest = v.substring(slash + 1);
        OptionalLong complete = rest.equals("*") ? OptionalLong.empty() : digits(rest);
        if (first.isEmpty() || last.isEmpty() || (!rest.equals("*") && complete.isEmpty())
                || first.getAsLong() > last.getAsLong()
                // bytes 0-9223372036854775807/*: its length, 2^63, is no long, and length() would be negative.
                || last.getAsLong() - first.getAsLong() == Long.MAX_VALUE
                || (complete.isPresent() && last.getAsLong() >= complete.getAsLong())) {
            return Optional.empty();
        }
        return Optional.of(new ContentRange(first.getAsLong(), last.getAsLong(), complete));
    }

    /**
     * Checks a 206 to {@code Range: bytes=OFFSET-} and returns its range. It must start at
     * {@code offset} and run to the end of the file: to {@code completeLength - 1} when the
     * server gives the complete length; when it does not ({@code *}), to the end known from an
     * earlier response. When neither says where the file ends, the range is not taken: {@code *}
     * means "unknown", not "it ends here", and the range could be a piece of the rest. (Asking
     * again after its end until a 416 would tell, but the simple safe choice is to start over.)
     * The complete length must be the one known for the part file, and a Content-Length must be
     * the range's length.
     *
     * @param knownLength   the complete length the part's bytes were fetched under, when known
     * @param contentLength the 206's Content-Length, when given
     * @throws Mismatch naming what was asked for and what came
     */
    static ContentRange checkResumed(String value, long offset, OptionalLong knownLength, OptionalLong contentLength)
            throws Mismatch {
        String asked = "206 Partial Content to Range: bytes=" + offset + "- ";
        ContentRange r = parse(value).orElseThrow(() -> new Mismatch(
                asked + "came with Content-Range \"" + value + "\", expected bytes " + offset + "-LAST/LENGTH"));
        if (r.first != offset) {
            throw new Mismatch(asked + "starts at byte " + r.first + " (" + r + ")");
        }
        OptionalLong complete = r.completeLength.isPresent() ? r.completeLength : knownLength;
        if (complete.isEmpty()) {
            throw new Mismatch(asked + "is of a file of unknown length (" + r
                    + "), and the part file's length is not known either: the range may not reach the end");
        }
        if (r.last != complete.getAsLong() - 1) {
            throw new Mismatch(asked + "ends at byte " + r.last + " of a file of " + complete.getAsLong()
                    + " bytes (" + r + "), expected the rest of the file");
        }
        if (knownLength.isPresent() && complete.getAsLong() != knownLength.getAsLong()) {
            throw new Mismatch(asked + "is of a file of " + complete.getAsLong() + " bytes (" + r
                    + "), but the part file holds the start of one of " + knownLength.getAsLong());
        }
        checkBodyLength(r, contentLength);
        return r;
    }

    /**
     * Checks a 206 to {@code Range: bytes=FIRST-LAST} of a file of {@code size} bytes: exactly
     * that range of a file of that size.
     */
    static ContentRange checkExact(String value, long first, long last, long size, OptionalLong contentLength)
            throws Mismatch {
        Optional<ContentRange> r = parse(value);
        if (r.isEmpty() || r.get().first != first || r.get().last != last
                || r.get().completeLength.orElse(size) != size) {
            throw new Mismatch("206 Partial Content to Range: bytes=" + first + "-" + last
                    + " came with Content-Range \"" + value + "\", expected bytes " + first + "-" + last + "/" + size);
        }
        checkBodyLength(r.get(), contentLength);
        return r.get();
    }

    private static void checkBodyLength(ContentRange r, OptionalLong contentLength) throws Mismatch {
        if (contentLength.isPresent() && contentLength.getAsLong() != r.length()) {
            throw new Mismatch("206 Partial Content with Content-Length " + contentLength.getAsLong() + " for "
                    + r + ", which is " + r.length() + " bytes");
        }
    }

    /**
     * A 206 that does not fit the request. Not a {@link dev.sluice.SluiceException}: the caller
     * makes it one, naming the URL and saying what becomes of the part file.
     */
    static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    /** The SIZE of {@code bytes * /SIZE} (a 416's answer), when present. */
    static Optional<Long> unsatisfiedSize(String value) {
        String v = value.trim();
        if (!v.regionMatches(true, 0, "bytes */", 0, 8)) {
            return Optional.empty();
        }
        OptionalLong size = digits(v.substring(8));
        return size.isPresent() ? Optional.of(size.getAsLong()) : Optional.empty();
    }

    /** A non-negative decimal number of plain digits, or empty (also on overflow). */
    private static OptionalLong digits(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
