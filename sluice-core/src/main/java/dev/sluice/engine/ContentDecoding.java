package dev.sluice.engine;

import dev.sluice.ProtocolViolationException;
import dev.sluice.SluiceException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decodes Content-Encoding while streaming: gzip and deflate through the JDK, br and zstd
 * when their optional libraries (brotli4j, zstd-jni) are on the class path. Corrupt or cut
 * compressed data is a {@link ProtocolViolationException}, never a short success.
 */
public final class ContentDecoding {
    private static final int INFLATE_BUFFER = 64 * 1024;
    private static final MethodHandle BROTLI = optionalStream("com.aayushatharva.brotli4j.decoder.BrotliInputStream",
            "com.aayushatharva.brotli4j.Brotli4jLoader");
    private static final MethodHandle ZSTD = optionalStream("com.github.luben.zstd.ZstdInputStream", null);

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
                throw new IllegalArgumentException("the body is in a transfer coding that cannot be undone: " + c
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

    private static InputStream open(InputStream in, String coding) throws IOException {
        return switch (coding) {
            case "gzip", "x-gzip" -> new GZIPInputStream(in, INFLATE_BUFFER);
            case "deflate" -> inflate(in);
            case "br" -> invoke(BROTLI, in);
            case "zstd" -> invoke(ZSTD, in);
            default -> throw new IllegalArgumentException("unsupported coding " + coding);
        };
    }

    /** RFC 9110 says deflate is zlib-wrapped; some servers send raw deflate, so look first. */
    private static InputStream inflate(InputStream in) throws IOException {
        PushbackInputStream p = new PushbackInputStream(in, 2);
        byte[] head = p.readNBytes(2);
        p.unread(head);
        boolean zlib = head.length == 2 && (head[0] & 0x0f) == 8 && (((head[0] & 0xff) << 8) | (head[1] & 0xff)) % 31 == 0;
        return new InflaterInputStream(p, new Inflater(!zlib), INFLATE_BUFFER) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    inf.end();
                }
            }
        };
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

    private static MethodHandle optionalStream(String className, String loaderClass) {
        try {
            if (loaderClass != null) {
                Class<?> loader = Class.forName(loaderClass);
                loader.getMethod("ensureAvailability").invoke(null);
            }
            Class<?> c = Class.forName(className);
            return MethodHandles.publicLookup().findConstructor(c, MethodType.methodType(void.class, InputStream.class))
                    .asType(MethodType.methodType(InputStream.class, InputStream.class));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /**
     * The raw body as the decoders see it. It keeps the first failure of the raw stream, because
     * a decoder may swallow it: {@code GZIPInputStream}, looking for another member after each
     * one, takes any {@code IOException} there (a cut body, a read timeout) for "no more
     * members" and reports a clean end. It also says more may come until the body has ended,
     * so that every JDK looks for a next gzip member (the JDK 21 one looks only when
     * {@code available()} is positive, and would drop a member that had not arrived yet).
     */
    private static final class RawGuard extends InputStream {
        private final ExchangeInputStream raw;
        private IOException failure;
        private boolean ended;
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
            if (pushedBack >= 0 && len > 0) {
                b[off] = (byte) pushedBack;
                pushedBack = -1;
                return 1;
            }
            try {
                int n = raw.read(b, off, len);
                ended |= n < 0;
                return n;
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
                throw e;
            }
        }

        @Override
        public int available() {
            return ended ? 0 : Math.max(1, raw.available() + (pushedBack >= 0 ? 1 : 0));
        }

        @Override
        public void close() {
            raw.close();
        }
    }

    /** Builds the decoder chain lazily (the gzip header read blocks) and types its failures. */
    private static final class Decoded extends FilterInputStream {
        private final List<String> plan;
        private final URI uri;
        private final ExchangeInputStream raw;
        private final RawGuard guard;
        private boolean opened;
        /** Whether the decoders reported their end and the raw body then ended too (or was closed). */
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
                        s = open(s, coding);
                    }
                }
                in = s;
                opened = true; // only now: a chain that failed to open must not read raw bytes as decoded
            }
        }

        /**
         * After the decoders' end: a failure of the raw body they swallowed is thrown now, and
         * the raw body must end too, so that a body cut (or stalled) right after the compressed
         * data is still a cut body. Bytes after the compressed data are ignored, as curl
         * ignores them: the body ends here for the caller, and the rest goes the way of any body
         * closed before its end (drained when small and quick, else the connection is closed),
         * rather than being waited for.
         */
        private void finishRaw() throws IOException {
            if (guard.failure != null) {
                throw guard.failure;
            }
            if (guard.read() >= 0) {
                raw.close();
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
                BodyClosedException closed = new BodyClosedException(uri);
                closed.addSuppressed(e);
                return closed;
            }
            return new ProtocolViolationException(uri, "corrupt " + String.join("+", plan)
                    + " body after " + decoded + " decoded bytes: " + Failures.rootMessage(e), -1, e);
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
