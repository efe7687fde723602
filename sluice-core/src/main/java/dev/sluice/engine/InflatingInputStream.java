package dev.sluice.engine;

import dev.sluice.ProtocolViolationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/*
 * Theory of operation.
 *
 * One Inflater does the work; this class only frames it. The State names what is awaited:
 *
 *   gzip:    MEMBER_HEADER -> DATA -> TRAILER -> (the source's end: DONE)
 *                                              -> (another member: MEMBER_HEADER ...)
 *   deflate: DEFLATE_START -> DATA -> AFTER_DATA -> (the source's end: DONE)
 *
 * The input goes through one buffer: bytes from 'pos' to 'lim' are not yet consumed. While the
 * Inflater works, all of them are its input (setInput(buf, pos, lim - pos), then pos = lim);
 * when it finishes, getRemaining() says how many it left, which puts pos back on the first byte
 * after the compressed data. Headers and trailers are read a byte at a time from the buffer:
 * they are a few bytes per member, never per body byte. 'filled' counts every byte read from
 * the source, so filled - (lim - pos) is the source offset of buf[pos].
 *
 * The stream reports its end only when its source has ended too: bytes after the compressed
 * data are corrupt data, and a source that fails (a cut body, a timeout) fails this stream.
 */

/**
 * Decodes gzip (RFC 1952, any number of members one after another) or deflate (zlib-wrapped,
 * RFC 1950, or raw, RFC 1951, as some servers send it) with strict ends, unlike the JDK's
 * {@code GZIPInputStream}, which takes a cut or malformed next-member header, or bytes that are
 * no member at all, for the end of the data. Here the data must run to the end of the body:
 * whatever follows it, a header cut short, or data cut short, is a
 * {@link ProtocolViolationException} saying which.
 */
final class InflatingInputStream extends InputStream {
    /** The input buffer: the source is read in blocks of this size, as GZIPInputStream did here. */
    private static final int INPUT_BUFFER = 64 * 1024;
    /** Most bytes counted, without blocking, for the message about bytes after the compressed data. */
    private static final int MAX_COUNTED_EXCESS = 64 * 1024;

    private static final int GZIP_ID1 = 0x1f;
    private static final int GZIP_ID2 = 0x8b;
    private static final int CM_DEFLATE = 8;
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int FLG_RESERVED = 0xe0;
    /** A gzip trailer: CRC-32 then ISIZE, 4 bytes each. */
    private static final int TRAILER_BYTES = 8;

    private enum State { MEMBER_HEADER, DEFLATE_START, DATA, TRAILER, AFTER_DATA, DONE }

    private final InputStream source;
    private final URI uri;
    private final boolean gzip;
    /** "gzip" or "deflate", for messages. */
    private final String name;
    private final byte[] buf = new byte[INPUT_BUFFER];
    private int pos;
    private int lim;
    /** Bytes read from the source so far. */
    private long filled;
    private State state;
    private Inflater inflater;
    private final CRC32 crc = new CRC32();
    /** gzip members begun so far (1 for the first). */
    private int member;
    /** Bytes this stream returned, for messages. */
    private long decoded;
    /** Bytes the current gzip member decoded to, for its ISIZE. */
    private long memberBytes;
    private boolean closed;
    /** The failure a read threw, thrown again by every later read. */
    private IOException failure;
    /**
     * Where deflate data read as zlib-wrapped began in {@link #buf}, while it is all still
     * there (no refill since) and nothing was decoded: raw data may begin with two bytes that
     * read as a zlib header, and is then inflated again as raw. -1 otherwise.
     */
    private int rawRetryFrom = -1;

    /**
     * @param source the coded bytes, whose end is the body's end
     * @param gzip   gzip when true, else deflate (zlib-wrapped or raw, told by its first two bytes)
     */
    InflatingInputStream(InputStream source, boolean gzip, URI uri) {
        this.source = source;
        this.uri = uri;
        this.gzip = gzip;
        this.name = gzip ? "gzip" : "deflate";
        this.state = gzip ? State.MEMBER_HEADER : State.DEFLATE_START;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream closed");
        }
        if (failure != null) {
            throw failure; // a failed decode is final: a later read must not find a clean end
        }
        if (len == 0) {
            return 0;
        }
        try {
            while (true) {
                switch (state) {
                    case MEMBER_HEADER -> readMemberHeader();
                    case DEFLATE_START -> startDeflate();
                    case DATA -> {
                        int n = inflate(b, off, len);
                        if (n > 0) {
                            return n;
                        }
                    }
                    case TRAILER -> readTrailer();
                    case AFTER_DATA -> requireSourceEnd();
                    case DONE -> {
                        endInflater();
                        return -1;
                    }
                }
            }
        } catch (IOException e) {
            failure = e;
            endInflater();
            throw e;
        }
    }

    /** Frees the inflater's native memory as soon as it has done its work, not at close or by GC. */
    private void endInflater() {
        if (inflater != null) {
            inflater.end(); // idempotent: close() may call it again
        }
    }

    /** Inflates into {@code b}; 0 when the state moved on (the data ended) or more input was taken. */
    private int inflate(byte[] b, int off, int len) throws IOException {
        if (inflater.finished()) { // with its last output, returned before; needsInput() is true too
            endData();
            return 0;
        }
        if (inflater.needsInput()) {
            if (pos == lim && fill() < 0) {
                throw endedEarly("inside its compressed data");
            }
            inflater.setInput(buf, pos, lim - pos);
            pos = lim;
        }
        int n;
        try {
            n = inflater.inflate(b, off, len);
        } catch (DataFormatException e) {
            if (rawRetryFrom >= 0 && decoded == 0) {
                // A raw stream whose first two bytes happen to form a zlib header (a stored
                // block's header and length can): read it again as raw, as curl and browsers do.
                inflater.end();
                inflater = new Inflater(true);
                pos = rawRetryFrom;
                rawRetryFrom = -1;
                return 0;
            }
            throw corrupt("invalid compressed data (" + e.getMessage() + ")", e);
        }
        if (n > 0) {
            if (gzip) {
                crc.update(b, off, n);
                memberBytes += n;
            }
            decoded += n;
            return n;
        }
        if (inflater.finished()) {
            endData();
        } else if (inflater.needsDictionary()) {
            throw corrupt("it needs a preset dictionary, which HTTP has no way to supply");
        }
        return 0;
    }

    /** The compressed data has ended: the input it did not take is what follows it. */
    private void endData() {
        pos = lim - inflater.getRemaining();
        state = gzip ? State.TRAILER : State.AFTER_DATA;
    }

    /**
     * Reads the next block of the source into an empty buffer.
     *
     * @return the bytes read, or -1 at the source's end
     */
    private int fill() throws IOException {
        rawRetryFrom = -1; // what it began with is overwritten
        int n;
        do {
            n = source.read(buf, 0, buf.length);
        } while (n == 0);
        pos = 0;
        lim = Math.max(n, 0);
        if (n > 0) {
            filled += n;
        }
        return n;
    }

    /** The next input byte, or -1 at the source's end. */
    private int nextByte() throws IOException {
        if (pos == lim && fill() < 0) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** The next byte of a header or trailer; the source's end there is a cut body. */
    private int requiredByte(String where) throws IOException {
        int c = nextByte();
        if (c < 0) {
            throw endedEarly(where);
        }
        return c;
    }

    /** Reads a gzip member's header; the stream is done (DONE) when the source ends before another member. */
    private void readMemberHeader() throws IOException {
        long start = filled - (lim - pos);
        int id1 = nextByte();
        if (id1 < 0) {
            if (member == 0) {
                throw endedEarly("before its header"); // an empty body is let through before this stream
            }
            state = State.DONE;
            return;
        }
        member++;
        String where = "inside the header of member " + member;
        CRC32 headerCrc = new CRC32();
        headerCrc.update(id1);
        if (id1 != GZIP_ID1) {
            throw notAMember(start);
        }
        int id2 = requiredByte(where);
        headerCrc.update(id2);
        if (id2 != GZIP_ID2) {
            throw notAMember(start);
        }
        int cm = requiredByte(where);
        int flg = requiredByte(where);
        headerCrc.update(cm);
        headerCrc.update(flg);
        if (cm != CM_DEFLATE) {
            throw corrupt("gzip member " + member + " uses compression method " + cm + ", not 8 (deflate)");
        }
        if ((flg & FLG_RESERVED) != 0) {
            throw corrupt("gzip member " + member + " sets reserved header flags (FLG 0x" + Integer.toHexString(flg) + ")");
        }
        for (int i = 0; i < 6; i++) { // MTIME, XFL, OS
            headerCrc.update(requiredByte(where));
        }
        if ((flg & FEXTRA) != 0) {
            int lo = requiredByte(where);
            int hi = requiredByte(where);
            headerCrc.update(lo);
            headerCrc.update(hi);
            for (int left = lo | hi << 8; left > 0; left--) {
                headerCrc.update(requiredByte(where));
            }
        }
        for (int field : new int[] {FNAME, FCOMMENT}) {
            if ((flg & field) != 0) {
                int c;
                do {
                    c = requiredByte(where);
                    headerCrc.update(c);
                } while (c != 0);
            }
        }
        if ((flg & FHCRC) != 0) {
            int expected = requiredByte(where) | requiredByte(where) << 8;
            if (expected != ((int) headerCrc.getValue() & 0xffff)) {
                throw corrupt("the header CRC of gzip member " + member + " does not match its header");
            }
        }
        if (inflater == null) {
            inflater = new Inflater(true);
        } else {
            inflater.reset();
        }
        crc.reset();
        memberBytes = 0;
        state = State.DATA;
    }

    /** Bytes where a gzip member should begin (the first) or where the data should have ended (any later one). */
    private ProtocolViolationException notAMember(long start) {
        if (member == 1) {
            return corrupt("it does not start with the gzip magic bytes 1f 8b");
        }
        return excess(start);
    }

    private void readTrailer() throws IOException {
        String where = "inside the trailer of member " + member;
        long expectedCrc = 0;
        long expectedSize = 0;
        for (int i = 0; i < TRAILER_BYTES / 2; i++) {
            expectedCrc |= (long) requiredByte(where) << (8 * i);
        }
        for (int i = 0; i < TRAILER_BYTES / 2; i++) {
            expectedSize |= (long) requiredByte(where) << (8 * i);
        }
        if (expectedCrc != crc.getValue()) {
            throw corrupt("the CRC-32 of gzip member " + member + " does not match its trailer");
        }
        if (expectedSize != (memberBytes & 0xffffffffL)) {
            throw corrupt("gzip member " + member + " decoded to " + memberBytes + " bytes, its trailer says "
                    + expectedSize + " (mod 2^32)");
        }
        state = State.MEMBER_HEADER;
    }

    /** zlib-wrapped (RFC 9110 says deflate is) or raw (which some servers send), told by the first two bytes. */
    private void startDeflate() throws IOException {
        while (lim - pos < 2) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            int n = source.read(buf, lim, buf.length - lim);
            if (n < 0) {
                break;
            }
            lim += n;
            filled += n;
        }
        boolean zlib = lim - pos >= 2 && (buf[pos] & 0x0f) == CM_DEFLATE
                && (((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff)) % 31 == 0;
        inflater = new Inflater(!zlib);
        rawRetryFrom = zlib ? pos : -1;
        state = State.DATA;
    }

    /** After deflate data: the source must end here. */
    private void requireSourceEnd() throws IOException {
        long end = filled - (lim - pos);
        if (pos == lim && fill() < 0) {
            state = State.DONE;
            return;
        }
        throw excess(end);
    }

    /** Bytes after the end of the compressed data, which began at source offset {@code end}. */
    private ProtocolViolationException excess(long end) {
        long counted = filled - end;
        try {
            // What has arrived already, never waiting for more: the body fails either way.
            while (counted < MAX_COUNTED_EXCESS && source.available() > 0) {
                int n = source.read(buf, 0, (int) Math.min(buf.length, MAX_COUNTED_EXCESS - counted));
                if (n <= 0) {
                    break;
                }
                counted += n;
            }
        } catch (IOException e) {
            // Counting is for the message only; the failure is what this method returns.
        }
        return excess(uri, name, counted, decoded); // kept by read() as the stream's failure
    }

    /**
     * Bytes after the end of the compressed data, which are corrupt data, as curl and Go have
     * it. Only those at hand are counted: more may follow, but the body fails either way.
     */
    static ProtocolViolationException excess(URI uri, String coding, long counted, long decoded) {
        return new ProtocolViolationException(uri, "corrupt " + coding + " body: bytes follow the end of its "
                + coding + " data (" + counted + (counted == 1 ? " byte" : " bytes") + " or more, after " + decoded
                + " decoded bytes)", -1, null);
    }

    private ProtocolViolationException endedEarly(String where) {
        return new ProtocolViolationException(uri, "the body ends before the end of its " + name + " data: cut "
                + where + ", after " + decoded + " decoded bytes", -1, null);
    }

    private ProtocolViolationException corrupt(String what) {
        return corrupt(what, null);
    }

    /** {@code cause}: the inflater's own exception, kept for whoever looks further than the message. */
    private ProtocolViolationException corrupt(String what, Throwable cause) {
        return new ProtocolViolationException(uri, "corrupt " + name + " body after " + decoded + " decoded bytes: "
                + what, -1, cause);
    }

    @Override
    public int available() {
        return 0; // what is buffered may decode to nothing (a header, a trailer)
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            endInflater();
            source.close();
        }
    }
}
