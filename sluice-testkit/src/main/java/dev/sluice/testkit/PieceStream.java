package dev.sluice.testkit;

import java.io.InputStream;

/**
 * A stream over bytes in memory that returns at most {@code piece} bytes per read, as a socket
 * may: for code that must give the same result however its input is split.
 *
 * <pre>{@code
 * InputStream in = new PieceStream(bytes, 3); // reads of 1 to 3 bytes
 * }</pre>
 */
public final class PieceStream extends InputStream {
    private final byte[] data;
    private final int piece;
    private int pos;

    /** Reads {@code data} (not copied) at most {@code piece} (at least 1) bytes at a time. */
    public PieceStream(byte[] data, int piece) {
        if (piece < 1) {
            throw new IllegalArgumentException("piece must be at least 1: " + piece);
        }
        this.data = data;
        this.piece = piece;
    }

    @Override
    public int read() {
        return pos < data.length ? data[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (pos == data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, piece), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }
}
