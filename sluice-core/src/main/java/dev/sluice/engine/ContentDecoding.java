package dev.sluice.engine;

import dev.sluice.ProtocolViolationException;
import dev.sluice.SluiceException;
import dev.sluice.codec.ServerText;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decodes Content-Encoding while streaming: gzip and deflate through the JDK's {@code Inflater},
 * br and zstd when their optional libraries (brotli4j, zstd-jni) are on the class path.
 * Corrupt or cut compressed data is a {@link ProtocolViolationException}, never a short
 * success, and so are bytes after the end of the compressed data: every coding's data must
 * run to the end of the body, which must itself be complete.
 */
public final class ContentDecoding {
    /**
     * The largest zstd window a body may need, as a power of two: 8 MiB. RFC 9659 §3 limits
     * the window of zstd in HTTP to 8 MB, so that a small body cannot make the client hold a
     * large window (zstd-jni's own limit is 128 MiB of native memory per stream); a frame that
     * needs more is a {@link ProtocolViolationException}, as Chromium has it.
     */
    static final int ZSTD_WINDOW_LOG_MAX = 23;

    private static final MethodHandle BROTLI = optionalStream("com.aayushatharva.brotli4j.decoder.BrotliInputStream",
            "com.aayushatharva.brotli4j.Brotli4jLoader", null);
    /** zstd-jni's stream with its window capped; a zstd-jni without {@code setLongMax} is not used. */
    private static final MethodHandle ZSTD = optionalStream("com.github.luben.zstd.ZstdInputStream", null, "setLongMax");

    private ContentDecoding() {
    }

    private static final String ACCEPT_ENCODING = "gzip, deflate" + (BROTLI != null ? ", br" : "")
            + (ZSTD != null ? ", zstd" : "");

    /** The Accept-Encoding value listing what this runtime can decode. */
    public static String acceptEncoding() {
        return ACCEPT_ENCODING;
    }

    /**
     * The codings to undo, in the order to undo them, or null when the body should be passed
     * on as it is: no coding, or one this runtime cannot decode (then the caller gets the
     * bytes as sent, with the Content-Encoding header telling what they are).
     */
    public static List<String> plan(List<String> contentEncodingValues) {
        List<String> codings = new ArrayList<>();
        for (String value : contentEncodingValues) {
            for (String token : value.split(",")) {
                String c = token.trim().toLowerCase(Locale.ROOT);
                if (c.isEmpty() || c.equals("identity")) {
                    continue;
                }
                if (!isSupported(c)) {
                    return null;
                }
                codings.add(0, c);
            }
        }
        return codings.isEmpty() ? null : codings;
    }

    /**
     * The transfer codings to undo besides a final chunked (which the codec undoes), in the
     * order to undo them, or null when there are none. RFC 9112 §6.1 makes them the message's,
     * not the content's: they are undone even when Content-Encoding is kept as sent.
     *
     * @param chunkedUndone whether the framing is chunked, so the last coding is the codec's
     * @throws IllegalArgumentException naming a transfer coding that cannot be undone here
     */
    public static List<String> transferPlan(List<String> transferEncodingValues, boolean chunkedUndone) {
        List<String> codings = new ArrayList<>();
        for (String value : transferEncodingValues) {
            for (String token : value.split(",")) {
                int semicolon = token.indexOf(';');
                String c = (semicolon < 0 ? token : token.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
                if (!c.isEmpty()) {
                    codings.add(0, c);
                }
            }
        }
        if (chunkedUndone && !codings.isEmpty()) {
            codings.removeFirst();
        }
        codings.removeIf(c -> c.equals("identity"));
        for (String c : codings) {
            if (!c.equals("gzip") && !c.equals("x-gzip") && !c.equals("deflate")) {
                throw new IllegalArgumentException("the body is in a transfer coding that cannot be undone: "
                        + ServerText.excerpt(c, ServerText.MAX_FIELD_CHARS)
                        + (c.equals("chunked") ? " (not the final coding)" : ""));
            }
        }
        return codings.isEmpty() ? null : codings;
    }

    private static boolean isSupported(String coding) {
        return switch (coding) {
            case "gzip", "x-gzip", "deflate" -> true;
            case "br" -> BROTLI != null;
            case "zstd" -> ZSTD != null;
            default -> false;
        };
    }

    /** Wraps {@code raw} so that reading it undoes {@code plan}; decoding starts on the first read. */
    public static InputStream decode(ExchangeInputStream raw, List<String> plan, URI uri) {
        return new Decoded(raw, plan, uri);
    }

    private static InputStream open(InputStream in, String coding, URI uri) throws IOException {
        return switch (coding) {
            case "gzip", "x-gzip" -> new InflatingInputStream(in, true, uri);
            case "deflate" -> new InflatingInputStream(in, false, uri);
            case "br" -> new EndChecked(invoke(BROTLI, in), in, coding, uri);
            case "zstd" -> new EndChecked(invoke(ZSTD, in), in, coding, uri);
            default -> throw new IllegalArgumentException("unsupported coding " + coding);
        };
    }

    /**
     * A decoder of another library, whose end must be the end of its input too: bytes after
     * the compressed data are corrupt data (as gzip and deflate have it), and a body cut, or
     * stalled, right after the compressed data is still cut. (A decoder that read such bytes
     * ahead into its own buffer and dropped them cannot be caught here.)
     */
    private static final class EndChecked extends FilterInputStream {
        private final InputStream source;
        private final String coding;
        private final URI uri;
        private long decoded;
        private boolean ended;

        EndChecked(InputStream decoder, InputStream source, String coding, URI uri) {
            super(decoder);
            this.source = source;
            this.coding = coding;
            this.uri = uri;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                decoded += n;
            } else if (n < 0) {
                if (source.read() >= 0) {
                    throw InflatingInputStream.excess(uri, coding, 1 + source.available(), decoded);
                }
                ended = true;
            }
            return n;
        }
    }

    private static InputStream invoke(MethodHandle ctor, InputStream in) throws IOException {
        try {
            return (InputStream) ctor.invoke(in);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /**
     * The constructor {@code (InputStream)} of an optional library's decoding stream, or null
     * when the library is missing or unusable.
     *
     * @param windowLimiter the name of a method {@code (int)} of the stream, returning it, that
     *                      caps its window at {@link #ZSTD_WINDOW_LOG_MAX}; null for none
     */
    private static MethodHandle optionalStream(String className, String loaderClass, String windowLimiter) {
        try {
            if (loaderClass != null) {
                Class<?> loader = Class.forName(loaderClass);
                loader.getMethod("ensureAvailability").invoke(null);
            }
            Class<?> c = Class.forName(className);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle ctor = lookup.findConstructor(c, MethodType.methodType(void.class, InputStream.class));
            if (windowLimiter != null) {
                MethodHandle limit = lookup.findVirtual(c, windowLimiter, MethodType.methodType(c, int.class));
                ctor = MethodHandles.filterReturnValue(ctor, MethodHandles.insertArguments(limit, 1, ZSTD_WINDOW_LOG_MAX));
            }
            return ctor.asType(MethodType.methodType(InputStream.class, InputStream.class));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /**
     * The raw body as the decoders see it. It keeps the first failure of the raw stream, because
     * a decoder of another library may swallow it (as the JDK's {@code GZIPInputStream} does,
     * which is why gzip is not decoded through it) and report a clean end instead. A decoder's
     * close does not reach the exchange: brotli4j closes its source when it finds corrupt data,
     * and that close must not read as the caller's (a closed body instead of a corrupt one);
     * {@link Decoded#close()} ends the exchange itself.
     */
    private static final class RawGuard extends InputStream {
        private final ExchangeInputStream raw;
        private IOException failure;
        /** A decoder closed this stream, on failing or when closed itself; the exchange is left as it was. */
        private boolean closedByDecoder;
        /** A byte read ahead to tell an empty body from a non-empty one; -1 when none. */
        private int pushedBack = -1;

        RawGuard(ExchangeInputStream raw) {
            this.raw = raw;
        }

        /** Whether the body has no bytes at all; reads at most one, which the next read returns. */
        boolean isEmpty() throws IOException {
            int b = read();
            pushedBack = b;
            return b < 0;
        }

        @Override
        public int read() throws IOException {
            if (pushedBack >= 0) {
                int b = pushedBack;
                pushedBack = -1;
                return b;
            }
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closedByDecoder) {
                throw new IOException("the decoder closed its input"); // as any closed stream; never the exchange's state
            }
            if (pushedBack >= 0 && len > 0) {
                b[off] = (byte) pushedBack;
                pushedBack = -1;
                return 1;
            }
            try {
                return raw.read(b, off, len);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
                throw e;
            }
        }

        @Override
        public int available() {
            return raw.available() + (pushedBack >= 0 ? 1 : 0);
        }

        @Override
        public void close() {
            closedByDecoder = true;
        }
    }

    /** Builds the decoder chain lazily (the gzip header read blocks) and types its failures. */
    private static final class Decoded extends FilterInputStream {
        private final List<String> plan;
        private final URI uri;
        private final ExchangeInputStream raw;
        private final RawGuard guard;
        private boolean opened;
        /** Whether the decoders reported their end (which each reports only at the end of its input). */
        private boolean finished;
        private long decoded;
        /** The first failure; every later read throws it again. */
        private IOException failure;
        private boolean decodersClosed;

        Decoded(ExchangeInputStream raw, List<String> plan, URI uri) {
            super(raw);
            this.raw = raw;
            this.guard = new RawGuard(raw);
            this.plan = plan;
            this.uri = uri;
        }

        private void ensureOpen() throws IOException {
            if (!opened) {
                // An empty body is empty whatever its Content-Encoding says (as curl and
                // requests have it); the decoders would call it corrupt.
                InputStream s = guard;
                if (!guard.isEmpty()) {
                    for (String coding : plan) {
                        s = open(s, coding, uri);
                    }
                }
                in = s;
                opened = true; // only now: a chain that failed to open must not read raw bytes as decoded
            }
        }

        /**
         * After the decoders' end, which each decoder reports only once its input has ended (so
         * the raw body has ended, complete): a failure of the raw body that a decoder swallowed
         * is thrown now.
         */
        private void finishRaw() throws IOException {
            if (guard.failure != null) {
                throw guard.failure;
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                throw failure; // a failed decode is final, as a failed body read is
            }
            try {
                ensureOpen();
                if (finished) {
                    return -1;
                }
                int n;
                do {
                    n = in.read(b, off, len);
                } while (n == 0 && len > 0);
                if (n > 0) {
                    decoded += n;
                } else if (n < 0) {
                    finishRaw();
                    finished = true;
                }
                return n;
            } catch (IOException | RuntimeException e) {
                failure = typed(e);
                if (raw.isClosed()) {
                    closeDecoders(); // this thread's job when another one closed the body
                }
                throw failure;
            }
        }

        /**
         * A read failure as the caller sees it: typed already or a closed body as it is, a
         * decoder that failed because another thread closed the body as that close, and
         * anything else as a corrupt body.
         */
        private IOException typed(Exception e) {
            if (e instanceof SluiceException || e instanceof BodyClosedException) {
                return (IOException) e;
            }
            if (guard.failure != null) {
                return guard.failure; // the cause, which a decoder wrapped or replaced
            }
            if (raw.isClosed()) {
                // The exchange only, never the guard: a decoder that closed the guard on its
                // own failure (brotli4j does) left the exchange open, so this is the caller's close.
                BodyClosedException closed = new BodyClosedException(uri);
                closed.addSuppressed(e);
                return closed;
            }
            if (e instanceof EOFException) {
                return new ProtocolViolationException(uri, "the body ends before the end of its "
                        + String.join("+", plan) + " data, after " + decoded + " decoded bytes", -1, e);
            }
            return new ProtocolViolationException(uri, "corrupt " + String.join("+", plan)
                    + " body after " + decoded + " decoded bytes: " + Failures.rootMessage(e) + windowHint(e), -1, e);
        }

        /**
         * Names the limit a zstd frame broke: libzstd says only that the frame "requires too
         * much memory" when its window is larger than {@link #ZSTD_WINDOW_LOG_MAX} allows.
         */
        private String windowHint(Exception e) {
            return plan.contains("zstd") && Failures.rootMessage(e).contains("too much memory")
                    ? " (a window larger than the " + ((1 << ZSTD_WINDOW_LOG_MAX) >> 20) + " MiB RFC 9659 allows)" : "";
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(n, 8192)];
            long left = n;
            while (left > 0) {
                int r = read(scratch, 0, (int) Math.min(left, scratch.length));
                if (r < 0) {
                    break;
                }
                left -= r;
            }
            return n - left;
        }

        @Override
        public int available() throws IOException {
            return opened ? in.available() : 0;
        }

        /**
         * The raw stream first: it decides between draining and closing at once, and wakes a
         * reader blocked in it on another thread. The decoders are closed here only on the
         * reading thread; when another thread reads, it closes them itself once it sees the body
         * closed, since a native decoder (brotli, zstd) freed under a running decode could crash
         * the JVM.
         */
        @Override
        public void close() throws IOException {
            boolean readerHere = raw.isReadByCurrentThread();
            raw.close();
            if (readerHere) {
                closeDecoders();
            }
        }

        private void closeDecoders() {
            if (opened && in != guard && !decodersClosed) {
                decodersClosed = true;
                try {
                    in.close();
                } catch (IOException ignored) {
                    // The connection is already dealt with; a decoder that will not close holds nothing else.
                }
            }
        }
    }
}
