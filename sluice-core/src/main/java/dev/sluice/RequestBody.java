package dev.sluice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a request sends: bytes, a string, a file, or a stream. A body of known length goes out
 * with Content-Length; a stream of unknown length goes out chunked. Bytes, strings and files
 * can be sent again (after a 307/308 redirect or a retry); a stream cannot.
 *
 * <pre>{@code
 * try (Response r = client.send(Request.post(url, RequestBody.ofString("{\"a\":1}", "application/json")))) {
 *     r.raiseForStatus();
 * }
 * try (Response r = client.send(Request.put(url, RequestBody.ofPath(Path.of("big.iso"))))) {
 *     r.raiseForStatus();
 * }
 * }</pre>
 *
 * <p>Close every response, also when its body does not matter: until then it holds its
 * connection.
 *
 * <p>The three records are how the engine reads a body; make bodies with the factories. The
 * array of {@link OfBytes} is the one sent, not a copy: changing it changes what goes out.
 */
public sealed interface RequestBody {

    /** The length in bytes, when known before sending. */
    OptionalLong length();

    /** The Content-Type to send, or null when the body does not know it. */
    String type();

    /** The Content-Type to send, when the body knows it. */
    default Optional<String> contentType() {
        return Optional.ofNullable(type());
    }

    /** Whether the body can be sent a second time; only streams cannot. */
    default boolean isReplayable() {
        return true;
    }

    static RequestBody ofBytes(byte[] bytes) {
        return new OfBytes(bytes.clone(), null);
    }

    static RequestBody ofBytes(byte[] bytes, String contentType) {
        return new OfBytes(bytes.clone(), contentType);
    }

    /** The string in UTF-8, as text/plain. */
    static RequestBody ofString(String text) {
        return new OfBytes(text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /** The string in UTF-8 with the given Content-Type. */
    static RequestBody ofString(String text, String contentType) {
        return new OfBytes(text.getBytes(StandardCharsets.UTF_8), contentType);
    }

    static RequestBody ofString(String text, Charset charset, String contentType) {
        return new OfBytes(text.getBytes(charset), contentType);
    }

    /**
     * The file's bytes, streamed from disk (the kernel copies them on plain connections). Its
     * size is taken now and sent as Content-Length; the file is opened when the request is sent.
     *
     * @throws UncheckedIOException now, when the file's size cannot be read (it does not exist,
     *                              say); its message names the file, its cause is the
     *                              {@code IOException} ({@code NoSuchFileException})
     */
    static RequestBody ofPath(Path file) {
        try {
            return new OfPath(file, Files.size(file), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read request body file " + file, e);
        }
    }

    /**
     * A stream read once; {@code length} may be empty, and then the body is sent chunked. With
     * a {@code length}, exactly that many bytes are read and sent, and what the stream holds
     * after them is left unread (it may be a socket or a pipe that stays open, where looking
     * for more would block); a stream that ends before them fails the request. A
     * total timeout bounds its reads too: at the deadline the thread reading it is interrupted,
     * so a stream that heeds interrupts ({@code Channels.newInputStream} of a
     * {@code FileChannel.open} or of a {@code Pipe}'s source, a {@code PipedInputStream}) fails
     * with a {@link TotalTimeoutException}; one that does not ({@code System.in},
     * {@code Files.newInputStream}) keeps the thread until its read returns.
     *
     * <p>Read once, it cannot be sent again: a redirect that repeats the body (307, 308, or
     * 301/302 of a PUT) is not followed, and {@link Client#send} returns the redirect response
     * itself (status 307, say, with an empty {@link Response#history()}), which
     * {@link Response#raiseForStatus()} does not flag. A 303, or a 301/302 of a POST, is
     * followed: the next request is a GET without the body. A redirect that answered the head
     * alone, before any byte of the stream was read (the head asked {@code Expect: 100-continue},
     * as it does for a stream of unknown length or over 1 MiB), is followed with the stream.
     *
     * <pre>{@code
     * try (Response r = client.send(Request.put(url, RequestBody.ofInputStream(in, OptionalLong.empty())))) {
     *     if (r.status() / 100 == 3) { ... } // not followed: the stream is spent
     * }
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code length} is present and negative
     */
    static RequestBody ofInputStream(InputStream in, OptionalLong length) {
        return new OfStream(in, length, null);
    }

    /** In-memory bytes; the array is sent as it is, not copied. */
    record OfBytes(byte[] bytes, String type) implements RequestBody {
        /** @throws NullPointerException when {@code bytes} is null */
        public OfBytes {
            Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public OptionalLong length() {
            return OptionalLong.of(bytes.length);
        }
    }

    /** A file of known size, sent as {@code size} bytes from its start. */
    record OfPath(Path file, long size, String type) implements RequestBody {
        /**
         * @throws NullPointerException     when {@code file} is null
         * @throws IllegalArgumentException when {@code size} is negative
         */
        public OfPath {
            Objects.requireNonNull(file, "file");
            if (size < 0) {
                throw new IllegalArgumentException("request body file size must not be negative: " + size);
            }
        }

        @Override
        public OptionalLong length() {
            return OptionalLong.of(size);
        }
    }

    /** A one-shot stream, chunked when {@code length} is empty. */
    record OfStream(InputStream in, OptionalLong length, String type) implements RequestBody {
        /**
         * A negative length would go out as a Content-Length no server can read.
         *
         * @throws NullPointerException     when {@code in} or {@code length} is null
         * @throws IllegalArgumentException when {@code length} is present and negative
         */
        public OfStream {
            Objects.requireNonNull(in, "in");
            Objects.requireNonNull(length, "length");
            if (length.isPresent() && length.getAsLong() < 0) {
                throw new IllegalArgumentException("request body length must not be negative: " + length.getAsLong());
            }
        }

        @Override
        public boolean isReplayable() {
            return false;
        }
    }
}
