package dev.sluice.download;

import dev.sluice.IntegrityException;
import dev.sluice.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * The {@code NAME.part} file of one download: where the body streams, what validator (ETag or
 * Last-Modified) it was fetched under, and the rename to its final name once complete and
 * verified.
 *
 * <p>The validator is kept in an extended attribute of the part file, so that a later run
 * can resume with If-Range and only {@code NAME.part} is ever left behind. On a file system
 * without extended attributes the part resumes with a plain Range request, and a checksum,
 * when given, still catches a file that changed on the server.
 */
final class PartFile {
    private static final String VALIDATOR_ATTRIBUTE = "sluice.validator";
    private static final int HASH_BUFFER = 1 << 20;

    record Result(long size) {
    }

    private final Path target;
    private final Path part;

    PartFile(Path target) {
        this.target = target;
        this.part = target.resolveSibling(target.getFileName() + ".part");
    }

    long existingBytes() throws IOException {
        return Files.exists(part) ? Files.size(part) : 0;
    }

    Path path() {
        return part;
    }

    Optional<String> validator() {
        return attribute(VALIDATOR_ATTRIBUTE);
    }

    private void storeValidator(String validator) {
        storeAttribute(VALIDATOR_ATTRIBUTE, validator);
    }

    /** An extended attribute of the part file, when the file system keeps them. */
    Optional<String> attribute(String name) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
            if (view == null || !Files.exists(part) || !view.list().contains(name)) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.allocate(view.size(name));
            view.read(name, b);
            return Optional.of(new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** Sets (or, for null, removes) an extended attribute; silently does nothing where unsupported. */
    void storeAttribute(String name, String value) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
            if (view != null) {
                if (value == null) {
                    if (view.list().contains(name)) {
                        view.delete(name);
                    }
                } else {
                    view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)));
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Without the attribute, resuming falls back to a plain Range request.
        }
    }

    /**
     * Streams the response body into the part file from byte {@code from} (earlier bytes are
     * kept; later ones are cut), then verifies and renames.
     */
    Result write(DownloadJob job, Response response, long from, String validator, RateLimiter limiter,
                 ProgressEvent.Listener listener, LongConsumer onBytes) throws IOException, InterruptedException {
        Path dir = part.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        MessageDigest digest = job.checksum().map(Checksum::newDigest).orElse(null);
        // A fresh start truncates on open; a resume keeps the first bytes and may hash them.
        var options = from == 0
                ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING}
                : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE};
        long received = from;
        try (FileChannel out = FileChannel.open(part, options)) {
            storeValidator(validator);
            if (from > 0) {
                if (digest != null) {
                    hashExisting(out, from, digest);
                }
                out.truncate(from).position(from);
            }
            OptionalLong length = response.body().contentLength();
            OptionalLong totalBytes = length.isPresent() ? OptionalLong.of(length.getAsLong() + from) : OptionalLong.empty();
            try {
                for (ByteBuffer view : response.body().any()) {
                    int n = view.remaining();
                    if (digest != null) {
                        digest.update(view.duplicate());
                    }
                    while (view.hasRemaining()) {
                        out.write(view);
                    }
                    received += n;
                    onBytes.accept(n);
                    listener.on(new ProgressEvent.Bytes(job, received, totalBytes));
                    if (limiter != null) {
                        limiter.acquire(n);
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return finish(job, digest, received);
    }

    /** The part already holds the whole file (a 416 said so): verify and rename. */
    Result complete(DownloadJob job, long size) throws IOException {
        MessageDigest digest = job.checksum().map(Checksum::newDigest).orElse(null);
        if (digest != null) {
            try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
                hashExisting(in, size, digest);
            }
        }
        return finish(job, digest, size);
    }

    private Result finish(DownloadJob job, MessageDigest digest, long size) throws IOException {
        if (digest != null) {
            String actual = Checksum.hexOf(digest);
            Checksum expected = job.checksum().orElseThrow();
            if (!actual.equals(expected.hex())) {
                deleteQuietly();
                throw new IntegrityException(job.uri(), expected.algorithm(), expected.hex(), actual);
            }
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Result(size);
    }

    /** Hashes the first {@code length} bytes already in the file (resuming with a checksum). */
    private static void hashExisting(FileChannel file, long length, MessageDigest digest) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HASH_BUFFER);
        long pos = 0;
        while (pos < length) {
            buf.clear().limit((int) Math.min(buf.capacity(), length - pos));
            int n = file.read(buf, pos);
            if (n < 0) {
                throw new IOException("part file shorter than " + length + " bytes");
            }
            pos += n;
            digest.update(buf.flip());
        }
    }

    void deleteQuietly() {
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // A leftover part is resumed or overwritten by the next run.
        }
    }
}
