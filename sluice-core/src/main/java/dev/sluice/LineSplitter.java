package dev.sluice;

import dev.sluice.codec.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.Charset;

/**
 * Splits text into lines at LF, CRLF or a lone CR (the line ends {@link java.io.BufferedReader}
 * knows), without them; a last line without an end counts. Unlike {@code BufferedReader} it
 * refuses a line longer than a cap (in UTF-16 chars, so a character outside the BMP counts
 * two), so a server that never sends a line end cannot fill the heap. That failure is final:
 * the rest of the text is not split into lines after it. A byte-order mark at the start of the
 * bytes chooses the charset and is dropped ({@link MediaTypes#byteOrderMark}); it is looked for
 * on the first read, not before, so making a splitter never blocks.
 */
final class LineSplitter {
    private static final int READ_CHARS = 8192;
    /** A line builder grown past this is dropped after use rather than kept for the next line. */
    private static final int KEEP_BUILDER_CHARS = 64 * 1024;

    private final InputStream bytes;
    /** The charset from Content-Type, which a byte-order mark overrides. */
    private final Charset declared;
    /** The text, once the first read has looked for a byte-order mark; null before. */
    private Reader in;
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

    LineSplitter(InputStream bytes, Charset declared, int maxChars, URI uri) {
        this.bytes = bytes;
        this.declared = declared;
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
        if (in == null) {
            in = openText();
        }
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    /**
     * The text reader, in the charset a byte-order mark chooses (the mark skipped) or else the
     * declared one. Reads a byte at a time no further than a mark could still go, so a first
     * line of one character followed by a pause is still delivered at once (also "ï" and a
     * line end in a Latin-1 body, whose EF could begin UTF-8's mark until the next byte).
     */
    private Reader openText() throws IOException {
        byte[] prefix = new byte[MediaTypes.MAX_BYTE_ORDER_MARK_BYTES];
        int first = bytes.read();
        if (first < 0) {
            return new InputStreamReader(bytes, declared);
        }
        prefix[0] = (byte) first;
        int n = 1;
        int want = MediaTypes.byteOrderMarkBytes(first);
        while (n < want) {
            int b = bytes.read();
            if (b < 0) {
                break;
            }
            prefix[n++] = (byte) b;
            if (n == 2 && first == 0xef && b != 0xbb) {
                break; // no mark can follow: do not wait for a third byte
            }
        }
        var mark = MediaTypes.byteOrderMark(prefix, n);
        int skip = mark.map(MediaTypes.ByteOrderMark::length).orElse(0);
        Charset charset = mark.map(MediaTypes.ByteOrderMark::charset).orElse(declared);
        return new InputStreamReader(new Prefixed(prefix, skip, n, bytes), charset);
    }

    /**
     * The bytes read ahead, then the rest of the body. Not a {@code SequenceInputStream}, which
     * closes the body's stream at its end (the body is the caller's to close), nor a
     * {@code PushbackInputStream}, which after the bytes read ahead blocks for more in the
     * same read.
     */
    private static final class Prefixed extends InputStream {
        private final byte[] head;
        private int pos;
        private final int end;
        private final InputStream tail;

        Prefixed(byte[] head, int from, int end, InputStream tail) {
            this.head = head;
            this.pos = from;
            this.end = end;
            this.tail = tail;
        }

        @Override
        public int read() throws IOException {
            return pos < end ? head[pos++] & 0xff : tail.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos < end && len > 0) {
                int n = Math.min(len, end - pos);
                System.arraycopy(head, pos, b, off, n);
                pos += n;
                return n;
            }
            return tail.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return pos < end ? end - pos : tail.available();
        }
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
