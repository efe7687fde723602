package dev.sluice;

import dev.sluice.codec.MediaTypes;
import dev.sluice.engine.ContentDecoding;
import dev.sluice.engine.Exchange;
import dev.sluice.engine.ExchangeInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A response body, streamed: it is read once, in whichever form suits, while the connection
 * delivers it, and never held whole unless {@link #bytes()} or {@link #text()} asks for that.
 * Content-Encoding (gzip, deflate; br and zstd when available) is undone on the way unless
 * the client was built with {@code decompress(false)}, or the response is a 206 Partial
 * Content: its body is a range of the encoded bytes (RFC 9110 §14.1.1: ranges count the
 * representation as sent, coding included), which cannot in general be decoded on its own,
 * so it is delivered as sent, with Content-Encoding saying what it is.
 *
 * <pre>{@code
 * try (Response r = client.send(Request.get(url))) {
 *     r.raiseForStatus();
 *     for (ByteBuffer chunk : r.body().chunks(8192)) {   // like iter_content(8192)
 *         channel.write(chunk);                           // a WritableByteChannel
 *     }
 * }
 * }</pre>
 *
 * <p>Errors while reading are the typed {@link SluiceException}s; a body cut short is a
 * {@link ProtocolViolationException}, never a short success. Iterators and streams, which
 * cannot throw checked exceptions, wrap them in {@link UncheckedIOException}.
 */
public final class Body implements AutoCloseable {
    private static final int TRANSFER_BUFFER = 64 * 1024;
    /** The cap of {@link #bytes()} and {@link #text()}. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** The most bytes one Java array can hold on common JVMs. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
    /**
     * The first array of {@link #bytes(long)}, which then doubles as bytes arrive: a declared
     * length is a promise, not bytes received, so it is never allocated up front.
     */
    private static final int WHOLE_BODY_FIRST_BYTES = 64 * 1024;
    /** The most of a target's name, in UTF-8 bytes, kept in its temporary file's name. */
    private static final int MAX_TEMPORARY_NAME_BYTES = 200;
    /** The cap on one line of {@link #lines()}: a server that never ends a line cannot fill the heap. */
    public static final int DEFAULT_MAX_LINE_CHARS = 1 << 20;

    private final Exchange exchange;
    private final ExchangeInputStream raw;
    /** The codings to undo, transfer codings first; null when there are none. */
    private final List<String> decodePlan;
    private final boolean contentDecoded;
    private final Charset charset;
    private final OptionalLong contentLength;
    private boolean taken;
    /** The unstarted thread an asynchronous form took the body for; see {@link #reserveFor}. */
    private Thread reservedFor;
    private InputStream decoded;

    Body(Exchange exchange, List<String> decodePlan, boolean contentDecoded, Charset charset,
         OptionalLong declaredLength) {
        this.exchange = exchange;
        this.raw = new ExchangeInputStream(exchange);
        this.decodePlan = decodePlan;
        this.contentDecoded = contentDecoded;
        this.charset = charset;
        this.contentLength = decodePlan == null ? declaredLength : OptionalLong.empty();
    }

    /**
     * The length of what this body will deliver, when the server declared it and no decoding
     * changes it.
     */
    public OptionalLong contentLength() {
        return contentLength;
    }

    /**
     * Whether Content-Encoding is being undone: false when there is none, when it is one this
     * runtime cannot decode, when the client was built with {@code decompress(false)}, and for
     * a 206 Partial Content, whose range of encoded bytes is delivered as sent. (Transfer
     * codings other than chunked, which a server may apply only when asked and sluice never
     * asks, are undone whatever this says.)
     */
    public boolean isDecoded() {
        return contentDecoded;
    }

    /**
     * The charset from Content-Type, UTF-8 when there is none. {@link #text()} and
     * {@link #lines()} decode in it unless the body begins with a byte-order mark.
     */
    public Charset charset() {
        return charset;
    }

    private void take() {
        if (reservedFor != null && reservedFor == Thread.currentThread()) {
            reservedFor = null; // the asynchronous form that reserved the body is now reading it
            return;
        }
        if (taken) {
            throw new IllegalStateException("the body of " + exchange.uri() + " was already read");
        }
        taken = true;
    }

    /**
     * Takes the body now, on the caller's thread, for {@code worker} to read later with the
     * ordinary methods: a misuse (a body read twice) fails at once, before any thread starts.
     */
    void reserveFor(Thread worker) {
        take();
        reservedFor = worker;
        raw.assignReader(worker); // a close from any other thread, even before the first read, cancels
    }

    private InputStream source() {
        if (decodePlan == null) {
            return raw;
        }
        if (decoded == null) {
            decoded = ContentDecoding.decode(raw, decodePlan, exchange.uri());
        }
        return decoded;
    }

    /**
     * The asynchronous view of this body: publishers and futures that never block the caller.
     * Like the other forms, it reads the body once.
     */
    public AsyncBody async() {
        return new AsyncBody(this);
    }

    /** Marks the body taken and returns the stream to read: raw, or decoding on the way. */
    InputStream takeStream() {
        take();
        return source();
    }

    /** The undecoded stream when no decoding applies (its views can be handed out), else null. */
    ExchangeInputStream rawIfUndecoded() {
        return decodePlan == null ? raw : null;
    }

    /** Closes the connection at once; safe from any thread, also while another one reads. */
    void cancel() {
        exchange.cancel();
    }

    java.net.URI uri() {
        return exchange.uri();
    }

    /** For the publishers of {@link AsyncBody}, which the total deadline must reach while they wait for demand. */
    Exchange exchange() {
        return exchange;
    }

    /** The body as a stream; closing it ends the exchange. */
    public InputStream stream() {
        take();
        return source();
    }

    /**
     * The body in pieces as they arrive (aiohttp's {@code iter_any}). Each buffer is a view
     * valid until the next call to {@code hasNext()} or {@code next()} on the iterator (to tell
     * whether more comes, {@code hasNext()} reads it); copy what must outlive it.
     */
    public Iterable<ByteBuffer> any() {
        take();
        return () -> new ChunkIterator(0);
    }

    /**
     * The body in blocks of exactly {@code size} bytes, the last one shorter (requests'
     * {@code iter_content(size)}). Each buffer is reused by the next call to {@code hasNext()}
     * or {@code next()} on the iterator: copy what must outlive it.
     * Memory grows with what arrives, up to {@code size} (a size above the largest Java array,
     * {@code Integer.MAX_VALUE - 8}, gives blocks of that largest size).
     */
    public Iterable<ByteBuffer> chunks(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1: " + size);
        }
        take();
        return () -> new ChunkIterator(size);
    }

    /**
     * The body as lines of text in its charset, or the one a byte-order mark at its start
     * chooses (the mark is dropped, as in {@link #text(long)}). A line ends at LF, CRLF or a
     * lone CR, which are not included; a last line without an end counts. Lines longer than
     * {@link #DEFAULT_MAX_LINE_CHARS} fail with an {@link IllegalStateException}. Close the
     * stream (or the response) when done.
     */
    public Stream<String> lines() {
        return lines(DEFAULT_MAX_LINE_CHARS);
    }

    /** {@link #lines()} with another cap on the length of a line, in characters. */
    public Stream<String> lines(int maxLineChars) {
        LineSplitter.requireValidMax(maxLineChars);
        LineSplitter lines = lineSplitter(takeStream(), maxLineChars);
        Iterator<String> it = new Iterator<>() {
            private String next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = lines.next();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String s = next;
                next = null;
                return s;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /** Lines over {@code in}, decoded in the body's charset or the one its byte-order mark chooses. */
    LineSplitter lineSplitter(InputStream in, int maxLineChars) {
        return new LineSplitter(in, charset, maxLineChars, exchange.uri());
    }

    /** The whole body, at most {@link #DEFAULT_MAX_BYTES}. */
    public byte[] bytes() throws IOException {
        return bytes(DEFAULT_MAX_BYTES);
    }

    /**
     * The whole body; a body larger than {@code maxBytes} fails with an
     * {@link IllegalStateException} rather than filling the heap. Memory grows with the bytes
     * that arrive, not with the length the server declares: a server that declares a gigabyte
     * and sends three bytes costs {@value #WHOLE_BODY_FIRST_BYTES} bytes, not a gigabyte.
     */
    public byte[] bytes(long maxBytes) throws IOException {
        requireValidMax(maxBytes);
        take();
        long cap = Math.min(MAX_ARRAY_BYTES, maxBytes);
        if (contentLength.isPresent() && contentLength.getAsLong() > cap) {
            close(); // known too large: fail before reading any of it
            throw tooLarge(cap, maxBytes);
        }
        try (InputStream in = source()) {
            // With a declared length (raw bytes only: decoding changes it) the array grows to
            // exactly that length, so a complete body is returned without a last copy.
            int limit = (int) (in == raw && contentLength.isPresent() ? contentLength.getAsLong() : cap);
            return readAll(in, limit, cap, maxBytes);
        }
    }

    /**
     * The body into an array that grows to at most {@code limit} as bytes arrive; one more byte
     * is too many. (From the raw stream each read copies straight out of the connection's buffer.)
     */
    private byte[] readAll(InputStream in, int limit, long cap, long maxBytes) throws IOException {
        byte[] all = new byte[Math.min(limit, WHOLE_BODY_FIRST_BYTES)];
        int at = 0;
        while (true) {
            if (at == all.length) {
                if (at == limit) {
                    if (in.read() == -1) {
                        return all;
                    }
                    throw tooLarge(cap, maxBytes);
                }
                all = Arrays.copyOf(all, (int) Math.min(limit, 2L * all.length));
            }
            int n = in.read(all, at, all.length - at);
            if (n < 0) {
                return at == all.length ? all : Arrays.copyOf(all, at);
            }
            at += n;
        }
    }

    private IllegalStateException tooLarge(long cap, long maxBytes) {
        return new IllegalStateException("the body of " + exchange.uri() + " is larger than " + cap + " bytes"
                + (cap < maxBytes ? ", the most one array holds" : ""));
    }

    /**
     * The whole body decoded in its charset, at most {@link #DEFAULT_MAX_BYTES}. A byte-order
     * mark at its start chooses the charset instead and is not part of the text, as
     * {@link #text(long)} says.
     */
    public String text() throws IOException {
        return text(DEFAULT_MAX_BYTES);
    }

    /**
     * The whole body decoded in its charset; a body larger than {@code maxBytes} (counted
     * before the charset decodes it) fails with an {@link IllegalStateException}, as
     * {@link #bytes(long)}. A byte-order mark at the start of the body (EF BB BF, FE FF or
     * FF FE) chooses UTF-8, UTF-16BE or UTF-16LE whatever Content-Type says, and is dropped,
     * as the WHATWG Encoding Standard's decode and OkHttp's {@code string()} have it;
     * {@link #lines()} does the same.
     *
     * <pre>{@code
     * String page = r.body().text(1 << 20); // at most 1 MiB
     * }</pre>
     */
    public String text(long maxBytes) throws IOException {
        byte[] all = bytes(maxBytes);
        var mark = MediaTypes.byteOrderMark(all, all.length);
        int skip = mark.map(MediaTypes.ByteOrderMark::length).orElse(0);
        return new String(all, skip, all.length - skip, mark.map(MediaTypes.ByteOrderMark::charset).orElse(charset));
    }

    /**
     * Each piece of the body to {@code action}, as a loop over {@link #any()} would, for
     * {@link AsyncBody#forEach}. The loop is its own rather than an iterator's so that the
     * end, found by {@link ExchangeInputStream#endIfComplete()}, is met in this loop's frame,
     * which runs once per body, and not in a method called for each piece, which the JIT may
     * have compiled together with the read path and would then compile again. An exception
     * leaves the exchange open, for the caller to cancel at once: a close here would drain the
     * rest first.
     */
    void forEachView(Consumer<ByteBuffer> action) throws IOException {
        take();
        if (source() != raw) {
            Iterator<ByteBuffer> pieces = new ChunkIterator(0);
            while (pieces.hasNext()) {
                action.accept(pieces.next());
            }
            return;
        }
        ByteBuffer v;
        while (!raw.endIfComplete() && (v = raw.nextView()) != null) {
            action.accept(v);
        }
        raw.close();
    }

    /** Streams the body into {@code out}; returns the bytes written. Does not close {@code out}. */
    public long transferTo(OutputStream out) throws IOException {
        take();
        long total = 0;
        try (InputStream in = source()) {
            if (in == raw) {
                byte[] copy = null;
                ByteBuffer v;
                while (!raw.endIfComplete() && (v = raw.nextView()) != null) {
                    int n = v.remaining();
                    if (v.hasArray()) {
                        out.write(v.array(), v.arrayOffset() + v.position(), n);
                    } else {
                        if (copy == null) {
                            copy = new byte[TRANSFER_BUFFER];
                        }
                        while (v.hasRemaining()) {
                            int k = Math.min(copy.length, v.remaining());
                            v.get(copy, 0, k);
                            out.write(copy, 0, k);
                        }
                    }
                    total += n;
                }
            } else {
                total = in.transferTo(out);
            }
        }
        return total;
    }

    /**
     * How the temporary file of {@link #transferTo(Path)} beside {@code target} begins: a dot,
     * the target's name cut to {@value #MAX_TEMPORARY_NAME_BYTES} UTF-8 bytes (so that a name
     * near the file system's 255-byte limit still has a temporary file), and a dot; a random
     * base-36 number and {@code .part} follow. A program that must remove it after being
     * stopped midway (a shutdown hook, a later run) finds it by this prefix.
     */
    public static String temporaryPrefix(Path target) {
        String name = target.getFileName().toString();
        int end = 0;
        int bytes = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; // its length in UTF-8
            if (bytes + size > MAX_TEMPORARY_NAME_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return "." + name.substring(0, end) + ".";
    }

    /**
     * Streams the body into {@code file}: into a temporary file beside it, renamed over it once
     * the body has arrived whole. On any failure {@code file} is left as it was (a file there
     * before keeps its bytes, none appears where there was none) and the temporary file is
     * deleted. A file it replaces keeps its POSIX permissions (as curl and
     * wget, which write over it in place); a new one gets the umask's. Returns the bytes written.
     */
    public long transferTo(Path file) throws IOException {
        take();
        Path target = file.toAbsolutePath();
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            // A device or a pipe (/dev/null, a FIFO) is written as it is: renaming over it
            // would replace the node itself.
            try (OutputStream out = Files.newOutputStream(target)) {
                taken = false;
                return transferTo(out);
            }
        }
        Path dir = target.getParent();
        // Not Files.createTempFile: its 0600 mode would stay on the final file.
        Path tmp = dir.resolve(temporaryPrefix(target) + Long.toString(
                java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36) + ".part");
        boolean done = false;
        try {
            long total = 0;
            try (InputStream in = source();
                 FileChannel out = openTemporary(tmp, target)) {
                if (in == raw) {
                    ByteBuffer v;
                    while (!raw.endIfComplete() && (v = raw.nextView()) != null) {
                        total += v.remaining();
                        while (v.hasRemaining()) {
                            out.write(v);
                        }
                    }
                } else {
                    total = in.transferTo(Channels.newOutputStream(out));
                }
            }
            keepPermissions(target, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            return total;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Creates the temporary file of {@link #transferTo(Path)}. Its failure names the target,
     * not the temporary file, whose random name means nothing to the caller: a missing
     * directory is {@code NoSuchFileException: /out/x.bin}, as if the target itself had been
     * opened. The type and the reason are the JDK's (the CLI words them as for any file); the
     * JDK's error is the cause.
     */
    private static FileChannel openTemporary(Path tmp, Path target) throws IOException {
        try {
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            if (!tmp.toString().equals(e.getFile())) {
                throw e;
            }
            FileSystemException named = switch (e) {
                case NoSuchFileException missing -> new NoSuchFileException(target.toString(), null, e.getReason());
                case AccessDeniedException denied -> new AccessDeniedException(target.toString(), null, e.getReason());
                default -> new FileSystemException(target.toString(), null, e.getReason());
            };
            named.initCause(e);
            throw named;
        }
    }

    /**
     * Gives the new file the permissions of the file it replaces: curl and wget write over a file
     * in place, so a file kept private (0600) stays so; a rename would leave it at the
     * umask's mode. Where the file system has no POSIX permissions, nothing is done.
     */
    static void keepPermissions(Path replaced, Path replacement) throws IOException {
        try {
            if (Files.isRegularFile(replaced)) {
                Files.setPosixFilePermissions(replacement, Files.getPosixFilePermissions(replaced));
            }
        } catch (UnsupportedOperationException | NoSuchFileException e) {
            // No POSIX permissions here, or the old file went meanwhile: the new one keeps its own.
        }
    }

    /**
     * Ends the exchange: a small unread remainder is drained so the connection can be reused,
     * a large one closes the connection.
     */
    @Override
    public void close() {
        try {
            if (decoded != null) {
                decoded.close();
            } else {
                raw.close();
            }
        } catch (IOException e) {
            raw.close();
        }
    }

    /**
     * {@link #close()} on a virtual thread, for callers that must not block: the future
     * completes once the exchange has ended (drained or closed). The thread counts as the
     * reader when nobody else reads, so it drains itself rather than handing the drain on.
     */
    CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread closer = Thread.ofVirtual().name("sluice-body-close").unstarted(() -> {
            try {
                close();
            } finally {
                closed.complete(null);
            }
        });
        if (raw.isReadByCurrentThread()) {
            raw.assignReader(closer); // nobody else reads: the closer may drain
        }
        closer.start();
        return closed;
    }

    /**
     * Reads the body in blocks of {@code size} bytes, the last one shorter, for {@link #chunks(int)}
     * and {@link AsyncBody#chunks(int)}.
     *
     * @param fresh whether each block gets an array of its own (the asynchronous items, which
     *              the subscriber may keep) rather than one array reused for every block
     */
    BlockReader blockReader(InputStream in, int size, boolean fresh) {
        // contentLength is empty when decoding changes the length.
        return new BlockReader(in, size, contentLength.orElse(Long.MAX_VALUE), fresh);
    }

    /**
     * Blocks of a fixed size over a stream, in memory that grows with what arrives: a block
     * holds at most {@code blockMax} bytes, which is {@code size}, or less when the body's
     * declared length is shorter (a block of {@code chunks(1 << 30)} over a three-byte body is
     * three bytes), and never more than the largest Java array. The first array is no more than
     * {@link #TRANSFER_BUFFER} bytes and doubles while a block fills it, so it reaches
     * {@code blockMax} only when so many bytes came. Blocks are read straight into it: no list of
     * small buffers copied into the block at the end, which held every block twice.
     */
    static final class BlockReader {
        private final InputStream in;
        private final int blockMax;
        private final boolean fresh;
        /** The array of the next block: reused, or (fresh) null until the next block has a first byte. */
        private byte[] block;
        /** Fresh arrays start at the size the last one grew to: a steady run of blocks copies nothing. */
        private int nextLength;
        /** The bytes the declared length still promises (Long.MAX_VALUE when none is declared). */
        private long declaredLeft;

        BlockReader(InputStream in, int size, long declaredLength, boolean fresh) {
            this.in = in;
            this.fresh = fresh;
            this.declaredLeft = declaredLength;
            // No array is larger than MAX_ARRAY_BYTES: a larger size gets blocks of that size.
            this.blockMax = (int) Math.min(Math.min(size, MAX_ARRAY_BYTES), Math.max(1, declaredLength));
            // Not blockMax at once, even for a declared length: a declared length is a
            // promise, and a server may declare a gigabyte and send three bytes.
            this.nextLength = Math.min(blockMax, TRANSFER_BUFFER);
            this.block = fresh ? null : new byte[nextLength];
        }

        /**
         * The next block, or null at the end of the body. A view of the reused array, valid
         * until the next call; or, when fresh, of an array of its own.
         */
        ByteBuffer next() throws IOException {
            // The most this block can hold: no more than the declared length still promises.
            long cap = Math.min(blockMax, declaredLeft);
            int at = 0;
            if (fresh) {
                // A block's array is allocated only once a byte of it came, so that the end of
                // the body costs no array of blockMax bytes.
                int first = in.read();
                if (first < 0) {
                    return null;
                }
                block = new byte[(int) Math.max(1, Math.min(nextLength, cap))];
                block[at++] = (byte) first;
            }
            while (true) {
                at += in.readNBytes(block, at, block.length - at);
                if (at < block.length || block.length >= cap) {
                    break; // the end of the body, or a whole block
                }
                block = Arrays.copyOf(block, (int) Math.min(cap, 2L * block.length));
            }
            if (at == 0) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(block, 0, at);
            declaredLeft -= at;
            if (fresh) {
                nextLength = Math.max(nextLength, block.length);
                block = null; // the subscriber's now
            }
            return b;
        }
    }

    /** Views (size 0) or fixed blocks over the body. */
    private final class ChunkIterator implements Iterator<ByteBuffer> {
        private final int size;
        private final InputStream in;
        /** The body's blocks; null for views (size 0). */
        private final BlockReader blocks;
        /** The array views of a decoded body are read into (size 0); null otherwise. */
        private final byte[] buffer;
        private ByteBuffer next;
        private boolean end;

        ChunkIterator(int size) {
            this.size = size;
            this.in = source();
            this.blocks = size == 0 ? null : blockReader(in, size, false);
            this.buffer = size == 0 && decodePlan != null ? new byte[TRANSFER_BUFFER] : null;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (end) {
                return false;
            }
            try {
                if (size == 0 && in == raw) {
                    next = raw.endIfComplete() ? null : raw.nextView();
                } else if (size == 0) {
                    int n = in.read(buffer);
                    next = n < 0 ? null : ByteBuffer.wrap(buffer, 0, n);
                } else {
                    next = blocks.next();
                }
            } catch (IOException e) {
                close();
                throw new UncheckedIOException(e);
            }
            if (next == null) {
                end = true;
                close();
                return false;
            }
            return true;
        }

        @Override
        public ByteBuffer next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ByteBuffer b = next;
            next = null;
            return b;
        }
    }

    /** A cap on a whole body: checked on the caller's thread, before the body is taken (sync or async). */
    static void requireValidMax(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("max bytes must not be negative: " + maxBytes);
        }
    }
}
