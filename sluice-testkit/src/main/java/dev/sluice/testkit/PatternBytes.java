package dev.sluice.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A deterministic, position-dependent byte stream for big bodies that nobody holds in memory.
 *
 * <p>The byte at offset {@code i} is a fixed function of {@code i} alone (SplitMix64 of the
 * 8-byte word index), so a body can be generated from any offset (Range, resume) and checked
 * as it streams by, and a lost, repeated or shifted byte is caught at its offset: the stream
 * has no period.
 * <pre>{@code
 * server: c.expectRequest().send(Responses.head(200, "Content-Length: 104857600")).sendPattern(100L << 20)
 * client: assertThat(PatternBytes.verify(body.stream(), 0)).isEqualTo(100L << 20);
 * }</pre>
 */
public final class PatternBytes {

    private static final int BUFFER_BYTES = 64 * 1024;

    private PatternBytes() {}

    /** The byte at {@code offset}. */
    public static byte at(long offset) {
        return (byte) (word(offset >>> 3) >>> ((offset & 7) * 8));
    }

    /** Fills {@code dst[from, from + length)} with the pattern starting at {@code offset}. */
    public static void fill(byte[] dst, int from, int length, long offset) {
        int i = from;
        int end = from + length;
        long position = offset;
        while (i < end && (position & 7) != 0) {
            dst[i++] = at(position++);
        }
        while (end - i >= 8) {
            long w = word(position >>> 3);
            for (int k = 0; k < 8; k++) {
                dst[i + k] = (byte) (w >>> (k * 8));
            }
            i += 8;
            position += 8;
        }
        while (i < end) {
            dst[i++] = at(position++);
        }
    }

    /** A new array holding {@code length} pattern bytes from {@code offset}. */
    public static byte[] bytes(long offset, int length) {
        byte[] bytes = new byte[length];
        fill(bytes, 0, length, offset);
        return bytes;
    }

    /** Writes {@code length} pattern bytes from {@code offset} to {@code out}. */
    public static void write(OutputStream out, long offset, long length) throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(length, 1))];
        long written = 0;
        while (written < length) {
            int n = (int) Math.min(buffer.length, length - written);
            fill(buffer, 0, n, offset + written);
            out.write(buffer, 0, n);
            written += n;
        }
    }

    /** Creates (or replaces) {@code file} holding {@code length} pattern bytes from offset 0. */
    public static Path writeFile(Path file, long length) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, 0, length);
        }
        return file;
    }

    /**
     * Reads {@code in} to its end and checks every byte against the pattern from {@code offset}.
     *
     * @return the number of bytes read
     * @throws AssertionError naming the first offset that differs
     */
    public static long verify(InputStream in, long offset) throws IOException {
        Verifier verifier = new Verifier(offset);
        byte[] buffer = new byte[BUFFER_BYTES];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            verifier.update(buffer, 0, n);
        }
        return verifier.position() - offset;
    }

    /** Checks {@code data[from, from + length)} against the pattern from {@code offset}. */
    public static void verify(byte[] data, int from, int length, long offset) {
        new Verifier(offset).update(data, from, length);
    }

    /** The SHA-256 of {@code length} pattern bytes from {@code offset}, in lower-case hex. */
    public static String sha256Hex(long offset, long length) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER_BYTES];
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(buffer.length, length - done);
            fill(buffer, 0, n, offset + done);
            digest.update(buffer, 0, n);
            done += n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Checks pieces of a stream as they arrive (for example {@code ByteBuffer}s from a
     * {@code Flow.Subscriber}); not thread-safe.
     */
    public static final class Verifier {
        private final byte[] expected = new byte[BUFFER_BYTES];
        private long position;

        public Verifier(long offset) {
            this.position = offset;
        }

        /** Offset of the next byte expected. */
        public long position() {
            return position;
        }

        public void update(byte[] data, int from, int length) {
            int done = 0;
            while (done < length) {
                int n = Math.min(expected.length, length - done);
                fill(expected, 0, n, position);
                int mismatch = java.util.Arrays.mismatch(data, from + done, from + done + n, expected, 0, n);
                if (mismatch >= 0) {
                    long at = position + mismatch;
                    throw new AssertionError("pattern mismatch at offset " + at + ": expected "
                            + (expected[mismatch] & 0xff) + ", got " + (data[from + done + mismatch] & 0xff));
                }
                position += n;
                done += n;
            }
        }

        /** Checks the remaining bytes of {@code buffer} and consumes them. */
        public void update(ByteBuffer buffer) {
            if (buffer.hasArray()) {
                update(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                buffer.position(buffer.limit());
                return;
            }
            byte[] copy = new byte[Math.min(buffer.remaining(), BUFFER_BYTES)];
            while (buffer.hasRemaining()) {
                int n = Math.min(copy.length, buffer.remaining());
                buffer.get(copy, 0, n);
                update(copy, 0, n);
            }
        }
    }

    private static long word(long index) {
        long z = index * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
