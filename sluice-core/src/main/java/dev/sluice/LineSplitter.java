package dev.sluice;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;

/**
 * Splits text into lines at LF, CRLF or a lone CR (the line ends {@link java.io.BufferedReader}
 * knows), without them; a last line without an end counts. Unlike {@code BufferedReader} it
 * refuses a line longer than a cap (in UTF-16 chars, so a character outside the BMP counts
 * two), so a server that never sends a line end cannot fill the heap. That failure is final:
 * the rest of the text is not split into lines after it.
 */
final class LineSplitter {
    private static final int READ_CHARS = 8192;
    /** A line builder grown past this is dropped after use rather than kept for the next line. */
    private static final int KEEP_BUILDER_CHARS = 64 * 1024;

    private final Reader in;
    private final int maxChars;
    private final URI uri;
    private final char[] buf = new char[READ_CHARS];
    private int pos;
    private int end;
    private boolean eof;
    /** The last line ended with CR: an LF right after it belongs to that end. */
    private boolean skipLf;
    private StringBuilder line = new StringBuilder();
    /** Set once a line broke the cap; every later call throws it again. */
    private IllegalStateException tooLong;

    LineSplitter(Reader in, int maxChars, URI uri) {
        this.in = in;
        this.maxChars = maxChars;
        this.uri = uri;
    }

    /** Checks a cap before anything is taken from the body. */
    static int requireValidMax(int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maximum line length must be at least 1: " + maxChars);
        }
        return maxChars;
    }

    /**
     * The next line, or null at the end of the text.
     *
     * @throws IllegalStateException when a line is longer than the cap
     */
    String next() throws IOException {
        if (tooLong != null) {
            throw tooLong;
        }
        boolean started = false;
        while (true) {
            if (pos == end) {
                if (eof || !fill()) {
                    return started ? take() : null;
                }
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            started = true;
            int from = pos;
            while (pos < end) {
                char c = buf[pos];
                if (c == '\n' || c == '\r') {
                    append(from, pos);
                    pos++;
                    skipLf = c == '\r';
                    return take();
                }
                pos++;
            }
            append(from, pos);
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    private void append(int from, int to) {
        int length = line.length() + (to - from);
        if (length > maxChars) {
            line = new StringBuilder();
            tooLong = new IllegalStateException("a line of the body of " + uri + " is longer than " + maxChars
                    + " characters (" + length + " so far)");
            throw tooLong;
        }
        line.append(buf, from, to - from);
    }

    private String take() {
        String s = line.toString();
        if (line.capacity() > KEEP_BUILDER_CHARS) {
            line = new StringBuilder();
        } else {
            line.setLength(0);
        }
        return s;
    }
}
