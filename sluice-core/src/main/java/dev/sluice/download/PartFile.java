package dev.sluice.download;

import dev.sluice.Headers;
import dev.sluice.IntegrityException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.Request;
import dev.sluice.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code NAME.part} file of one download: where the body streams, what it is a part of
 * (the {@link Source}: validator and complete length), and the rename to its final name once
 * complete and verified.
 *
 * <p>Resuming appends the rest of a file to its start, which is right only when both are of
 * the same representation (RFC 9110 §13.1.5, §15.3.7.3). The server can say so only when
 * asked with If-Range and a strong validator: a strong ETag, or with no ETag at all, a
 * Last-Modified date that is strong because the response's Date is at least a second later
 * (§8.8.2.2). A weak ETag never goes in If-Range, and then no date may either. A part without
 * such a validator is never resumed; it is fetched again from byte 0.
 *
 * <p>The source is kept in extended attributes of the part file, so that a later run can
 * resume with If-Range and only {@code NAME.part} is ever left behind. On a file system
 * without extended attributes a later run starts over; retries within one run still resume,
 * under the validator they remember. A part made afresh gets them before the first bytes that
 * may stay in it, i.e. that are not the whole file: a body that arrives whole in one read is
 * verified and renamed at once, and then only the URL is recorded (that is one attribute written
 * per small file instead of three written, and listed and removed again, before the rename).
 * Not under a rate limit: its wait comes between the write and the rename, and a part left
 * then must be resumable.
 *
 * <p>The URL of the download (its password hidden) is kept too, in {@value #URL_ATTRIBUTE}, and
 * stays on the file the part is renamed to: a name the server chose that hits a file or part
 * of this same URL is this download's own, left by an earlier run, not someone else's (see
 * {@link Downloader}). Without extended attributes nothing says so, and such a name is numbered.
 */
final class PartFile {
    private static final String VALIDATOR_ATTRIBUTE = "sluice.validator";
    private static final String LENGTH_ATTRIBUTE = "sluice.length";
    /** The content coding the part's bytes are in, as served; absent for none. */
    private static final String CODING_ATTRIBUTE = "sluice.coding";
    /** Written by {@link SegmentedDownload}: such a part is preallocated, so its size is not what it holds. */
    static final String SEGMENTS_ATTRIBUTE = "sluice.segments";
    /** The URL a part, and the file it became, was downloaded from (see {@link #recordedUrl}). */
    static final String URL_ATTRIBUTE = "sluice.url";
    private static final int HASH_BUFFER = 1 << 20;
    /** How much later than Last-Modified a response's Date must be for the date to be a strong validator. */
    private static final Duration STRONG_DATE_MARGIN = Duration.ofSeconds(1);

    record Result(long size) {
    }

    /**
     * What a part file's bytes are the start of.
     *
     * @param validator the strong validator for If-Range, empty when there is none
     * @param length    the complete length of the file, when known
     * @param coding    the content coding the bytes are in, as served ({@link #coding}), empty
     *                  for none: a range continues them only in the same coding
     */
    record Source(Optional<String> validator, OptionalLong length, String coding) {
        static final Source UNKNOWN = new Source(Optional.empty(), OptionalLong.empty());

        Source(Optional<String> validator, OptionalLong length) {
            this(validator, length, "");
        }

        /**
         * The source a response announces, its bytes kept as served: its strong validator, its
         * content coding, and {@code length} as the whole file's length.
         */
        static Source of(Headers headers, OptionalLong length) {
            return new Source(strongValidator(headers), length, PartFile.coding(headers));
        }
    }

    /**
     * The content codings of a response other than identity, in order, lower case and joined by
     * ", " ({@code "gzip"}); empty for none. A range counts the bytes in that coding (RFC 9110
     * §14.1.2): it continues a part only when the part holds the bytes in the same one.
     */
    static String coding(Headers headers) {
        StringBuilder codings = new StringBuilder();
        for (String field : headers.all("Content-Encoding")) {
            for (String coding : field.split(",")) {
                String c = coding.strip().toLowerCase(Locale.ROOT);
                if (!c.isEmpty() && !c.equals("identity")) {
                    codings.append(codings.isEmpty() ? "" : ", ").append(c);
                }
            }
        }
        return codings.toString();
    }

    /**
     * Whether a response's body comes in a content coding other than identity (RFC 9110
     * §8.4): the client does not decode a 206 (its range counts encoded bytes), so such a
     * range is not a piece of the file as the part or the other segments hold it.
     */
    static boolean isEncoded(Headers headers) {
        return !coding(headers).isEmpty();
    }

    /**
     * The validator of a response that may go in If-Range (RFC 9110 §13.1.5): a strong ETag; or,
     * when there is no ETag at all, a Last-Modified date at least a second before the Date.
     */
    static Optional<String> strongValidator(Headers headers) {
        Optional<String> etag = headers.first("ETag").map(String::strip);
        if (etag.isPresent()) {
            // With a tag at hand, a date must not be used; a weak tag must not be used at all.
            return etag.filter(PartFile::isStrongEntityTag);
        }
        Optional<String> lastModified = headers.first("Last-Modified").map(String::strip);
        Optional<Instant> modified = lastModified.flatMap(HttpDate::parse);
        Optional<Instant> date = headers.first("Date").flatMap(HttpDate::parse);
        if (modified.isPresent() && date.isPresent()
                && !date.get().isBefore(modified.get().plus(STRONG_DATE_MARGIN))) {
            return lastModified;
        }
        return Optional.empty();
    }

    /**
     * How a response to a request with {@code If-Range: asked} shows that it is of another
     * version than the one asked for, or empty when it does not: an ETag other than the one
     * asked for; to a date, a Last-Modified other than that date, or any ETag at all (the part
     * was fetched without one). A server that ignores If-Range still says which version it sends.
     */
    static Optional<String> validatorMismatch(String asked, Headers headers) {
        Optional<String> etag = headers.first("ETag").map(String::strip);
        if (asked.startsWith("\"")) {
            return etag.filter(tag -> !tag.equals(asked)).map(tag -> "with ETag " + tag + " to If-Range: " + asked);
        }
        if (etag.isPresent()) {
            return Optional.of("with ETag " + etag.get() + " to If-Range: " + asked + " (the part was fetched without an ETag)");
        }
        Optional<String> modified = headers.first("Last-Modified").map(String::strip);
        Optional<Instant> askedDate = HttpDate.parse(asked);
        return modified.filter(m -> askedDate.isEmpty() ? !m.equals(asked) : !askedDate.equals(HttpDate.parse(m)))
                .map(m -> "with Last-Modified " + m + " to If-Range: " + asked);
    }

    /** Whether {@code v} can be sent as a field value: no control character but HTAB, nothing above U+00FF. */
    private static boolean isFieldValue(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static boolean isStrongEntityTag(String tag) {
        return tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"");
    }

    private final Path target;
    private final Path part;

    PartFile(Path target) {
        this.target = target;
        this.part = pathOf(target);
    }

    /** Where the body of {@code target} streams to first: {@code NAME.part} beside it. */
    static Path pathOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /**
     * Removes a symbolic link in the place of the part file (the link itself, never what it
     * points to): sluice never makes one, and writing through it, or renaming it into place,
     * would write or expose whatever it points to. The part is then made afresh as a regular file.
     */
    void removeSymbolicLink() throws IOException {
        if (Files.exists(part)) {
            // Something that leads somewhere is there: a file (kept) or a link (removed).
            if (Files.isSymbolicLink(part)) {
                Files.delete(part);
            }
        } else {
            // Nothing is there (the usual answer), or a link that leads nowhere (dangling, or a
            // loop), which goes: a file or a directory would have been found. Asked this way
            // because Files.isSymbolicLink builds and throws an exception inside for every
            // missing file, which cost more than the download of a small file's other checks.
            Files.deleteIfExists(part);
        }
    }

    /**
     * {@code Files.isRegularFile(p, NOFOLLOW_LINKS)}, answered for a missing path without the
     * exception that call builds inside: a missing path, and a link that leads nowhere, are no
     * regular file either way.
     */
    static boolean isRegularFileNotFollowed(Path p) {
        return Files.exists(p) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** {@code Files.isDirectory(p, NOFOLLOW_LINKS)}, as {@link #isRegularFileNotFollowed} is answered. */
    static boolean isDirectoryNotFollowed(Path p) {
        return Files.exists(p) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }

    long existingBytes() throws IOException {
        return Files.exists(part) ? Files.size(part) : 0;
    }

    /**
     * The bytes of the body the part file holds, for the report of a download that did not
     * finish: its size, or for a preallocated segmented part, what its record says arrived.
     * Zero when there is no part, or it cannot be read.
     */
    long heldBytes() {
        try {
            if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
                return 0;
            }
            long size = Files.size(part);
            Optional<String> record = attribute(SEGMENTS_ATTRIBUTE);
            if (record.isEmpty()) {
                return size;
            }
            // Without a record sluice can read, a preallocated size says nothing of what arrived.
            return SegmentRecord.parse(record.get()).map(r -> {
                long done = 0;
                for (long[] s : r.segments()) {
                    done += s[2];
                }
                return done;
            }).orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    Path path() {
        return part;
    }

    /** The final path, where the part is renamed to once complete. */
    Path target() {
        return target;
    }

    /**
     * The source an earlier run of {@code job}'s URL stored with the part file; unknown where
     * nothing was stored, or where the part is {@linkplain #isOfAnotherUrl another URL's}: its
     * validator vouches for that URL's file, not this one's.
     */
    Source storedSource(DownloadJob job) {
        return isOfAnotherUrl(job) ? Source.UNKNOWN : storedSource();
    }

    /**
     * Whether the part's recorded URL is present and is not {@code job}'s: then it is the start
     * of another resource, which no validator can vouch for, as an entity tag is scoped to one
     * resource (RFC 9110 §8.8.3; nginx's, made of a file's time and size, are the same for two
     * copies of a file at two paths). Such a part is never resumed, in one stream or in
     * segments: the download starts over from byte 0. A part with no URL recorded (a file
     * system without extended attributes, or a part of an older sluice) is not known to be
     * another URL's.
     */
    boolean isOfAnotherUrl(DownloadJob job) {
        return recordedUrlOf(part).filter(url -> !url.equals(recordedUrl(job))).isPresent();
    }

    /**
     * The source an earlier run stored with the part file, whatever URL it was of; unknown where
     * nothing was stored. A download uses {@link #storedSource(DownloadJob)}.
     */
    Source storedSource() {
        // A value that cannot be sent in If-Range (a control character, not a tag nor a date)
        // was not stored by sluice: as none, the download starts over rather than fail for good.
        Optional<String> validator = attribute(VALIDATOR_ATTRIBUTE)
                .filter(v -> (isStrongEntityTag(v) || HttpDate.parse(v).isPresent()) && isFieldValue(v));
        OptionalLong length = OptionalLong.empty();
        try {
            Optional<String> stored = attribute(LENGTH_ATTRIBUTE);
            if (stored.isPresent()) {
                length = OptionalLong.of(Long.parseLong(stored.get()));
            }
        } catch (NumberFormatException e) {
            // Not written by sluice: the length is unknown.
        }
        return new Source(validator, length, attribute(CODING_ATTRIBUTE).orElse(""));
    }

    /**
     * How many bytes of the part a request can resume after, given what they are the start
     * of: none without a strong validator (the rest could be of another version of the file).
     * A segmented part is preallocated, so its size says nothing of what it holds: it counts
     * only when its record says every segment of it, under that validator, has arrived.
     */
    long resumableBytes(Source source) throws IOException {
        if (source.validator().isEmpty()) {
            return 0;
        }
        long size = existingBytes();
        Optional<String> record = attribute(SEGMENTS_ATTRIBUTE);
        if (record.isPresent()) {
            String validator = source.validator().get();
            return SegmentRecord.parse(record.get()).filter(r -> r.isOf(size, validator) && r.isComplete()).isPresent()
                    ? size : 0;
        }
        return size;
    }

    /** Records what the part's bytes are of, for a later run's If-Range and Content-Range checks. */
    void storeSource(Source source) {
        storeAttribute(VALIDATOR_ATTRIBUTE, source.validator().orElse(null));
        storeAttribute(LENGTH_ATTRIBUTE, source.length().isPresent() ? Long.toString(source.length().getAsLong()) : null);
        storeAttribute(CODING_ATTRIBUTE, source.coding().isEmpty() ? null : source.coding());
    }

    /**
     * What {@value #URL_ATTRIBUTE} holds for {@code job}: its URL with any password hidden (the
     * attribute is readable by whoever can read the file). Two URLs that differ only in their
     * password are one download of one file.
     */
    static String recordedUrl(DownloadJob job) {
        return Request.hidePasswords(job.uri().toString());
    }

    /** Records {@code job}'s URL on the part file, best effort (see {@link #recordedUrl}). */
    void recordUrl(DownloadJob job) {
        storeAttribute(URL_ATTRIBUTE, recordedUrl(job), StandardCharsets.UTF_8);
    }

    /**
     * The URL recorded on {@code file} (a final file or a part), not through a symbolic link;
     * empty when none is, or the file system keeps no extended attributes.
     */
    static Optional<String> recordedUrlOf(Path file) {
        return attribute(file, URL_ATTRIBUTE, StandardCharsets.UTF_8, LinkOption.NOFOLLOW_LINKS);
    }

    /** An extended attribute of the part file, when the file system keeps them. */
    Optional<String> attribute(String name) {
        return attribute(part, name, StandardCharsets.ISO_8859_1);
    }

    private static Optional<String> attribute(Path file, String name, java.nio.charset.Charset charset,
                                              LinkOption... options) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class, options);
            if (view == null || !Files.exists(file, options) || !view.list().contains(name)) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.allocate(view.size(name));
            view.read(name, b);
            return Optional.of(new String(b.array(), 0, b.position(), charset));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * Sets (or, for null, removes) an extended attribute, and says whether that was done;
     * where unsupported it silently does nothing.
     */
    boolean storeAttribute(String name, String value) {
        return storeAttribute(name, value, StandardCharsets.ISO_8859_1);
    }

    /** Removes an attribute known to be there, best effort (see {@link #storeAttribute}). */
    private void removeAttribute(String name) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
            if (view != null) {
                view.delete(name);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not stored in the first place (no extended attributes here): nothing to remove.
        }
    }

    private boolean storeAttribute(String name, String value, java.nio.charset.Charset charset) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(part, UserDefinedFileAttributeView.class);
            if (view == null) {
                return false;
            }
            if (value == null) {
                if (view.list().contains(name)) {
                    view.delete(name);
                }
            } else {
                view.write(name, ByteBuffer.wrap(value.getBytes(charset)));
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            // Without the attributes, a later run starts over from byte 0.
            return false;
        }
    }

    /**
     * Streams the response body into the part file from byte {@code from} (earlier bytes are
     * kept; later ones are cut), then verifies and renames. When {@code end} is known, the file
     * must end exactly there: a body that runs past it, or stops short of it, is a protocol
     * error and nothing is renamed.
     */
    Result write(DownloadJob job, Response response, long from, OptionalLong end, Source source, RateLimiter limiter,
                 OptionalLong deadline, ProgressEvent.Listener listener) throws IOException, InterruptedException {
        MessageDigest digest = job.checksum().map(Checksum::newDigest).orElse(null);
        long received = from;
        // A part made afresh holds none of sluice's attributes: what it is of is stored only
        // once bytes that are not the whole file go in (see describe), and none need removing.
        FileChannel created = from == 0 ? createNew() : null;
        Source described = null;
        try (FileChannel out = created != null ? created : openExisting(from)) {
            if (created == null) {
                // The segments record goes first: this part is no longer the segmented one it describes.
                storeAttribute(SEGMENTS_ATTRIBUTE, null);
                storeSource(source);
                recordUrl(job);
            }
            if (from > 0) {
                if (digest != null) {
                    hashExisting(out, from, digest);
                }
                out.truncate(from).position(from);
            }
            try {
                for (ByteBuffer view : response.body().any()) {
                    int n = view.remaining();
                    if (end.isPresent() && received + n > end.getAsLong()) {
                        // Bytes past the announced end belong to no known offset of the file.
                        out.close();
                        deleteQuietly();
                        throw new ProtocolViolationException(job.uri(), "body runs past byte " + end.getAsLong()
                                + " of the file, where its Content-Range or Content-Length ends", received, null);
                    }
                    if (created != null && described == null
                            && (limiter != null || !(end.isPresent() && received + n == end.getAsLong()))) {
                        // These bytes may stay in the part (the rest may never come): a later
                        // run must find what they are of before they are there. Bytes that end
                        // the file need no such record, as the part is verified and renamed at
                        // once; unless a rate limit makes the download wait first, when an
                        // interrupt would leave a whole part that no later run could resume.
                        described = describe(job, source);
                    }
                    if (digest != null) {
                        digest.update(view.duplicate());
                    }
                    while (view.hasRemaining()) {
                        out.write(view);
                    }
                    received += n;
                    listener.on(new ProgressEvent.Bytes(job, received, end));
                    if (limiter != null) {
                        limiter.acquire(n, deadline);
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        if (end.isPresent() && received != end.getAsLong()) {
            // The part keeps what came: those bytes are right, and a retry resumes after them.
            throw new ProtocolViolationException(job.uri(), "body ended at byte " + received + " of "
                    + end.getAsLong() + " announced by its Content-Range or Content-Length", received, null);
        }
        if (created != null) {
            return finishCreated(job, digest, received, described);
        }
        return finish(job, digest, received);
    }

    /**
     * Makes the part file afresh, or returns null when something is there already (a part an
     * earlier attempt or run left, whose attributes must then be replaced). The directory is
     * made when it is missing. Exclusive creation never follows a symbolic link.
     */
    private FileChannel createNew() throws IOException {
        try {
            return FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            return null;
        } catch (NoSuchFileException e) {
            Files.createDirectories(part.toAbsolutePath().getParent());
            try {
                return FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException again) {
                return null;
            }
        }
    }

    /**
     * Opens a part file that is there (or was, a moment ago): from byte 0 it is truncated; a
     * resume keeps its first bytes and may hash them. Never through a symbolic link (see
     * removeSymbolicLink): one made since fails the open.
     */
    private FileChannel openExisting(long from) throws IOException {
        Path dir = part.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        var options = from == 0
                ? new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS}
                : new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS};
        return FileChannel.open(part, options);
    }

    /**
     * Stores what a part made afresh holds the start of, and the URL, as {@link #write} does for
     * a part that was there; a new file has no attribute to remove. Returns what was stored.
     */
    private Source describe(DownloadJob job, Source source) {
        source.validator().ifPresent(v -> storeAttribute(VALIDATOR_ATTRIBUTE, v));
        source.length().ifPresent(l -> storeAttribute(LENGTH_ATTRIBUTE, Long.toString(l)));
        if (!source.coding().isEmpty()) {
            storeAttribute(CODING_ATTRIBUTE, source.coding());
        }
        recordUrl(job);
        return source;
    }

    /** The part already holds the whole file (a 416 said so): verify and rename. */
    Result complete(DownloadJob job, long size) throws IOException {
        MessageDigest digest = job.checksum().map(Checksum::newDigest).orElse(null);
        if (digest != null) {
            try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                hashExisting(in, size, digest);
            }
        }
        return finish(job, digest, size);
    }

    /**
     * The file at the final path is current (a 304 to the caller's own conditional request):
     * it is hashed as {@link #complete} hashes a part, and left where it is, matching or not
     * (this run did not write it). Never through a symbolic link.
     */
    Result verifyCurrent(DownloadJob job) throws IOException {
        MessageDigest digest = job.checksum().map(Checksum::newDigest).orElse(null);
        try (FileChannel in = FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = in.size();
            if (digest != null) {
                hashExisting(in, size, digest);
            }
            verify(job, digest);
            return new Result(size);
        }
    }

    /** Throws {@link IntegrityException} when {@code digest} (null without a checksum) is not the job's checksum. */
    private static void verify(DownloadJob job, MessageDigest digest) throws IntegrityException {
        if (digest == null) {
            return;
        }
        String actual = Checksum.hexOf(digest);
        Checksum expected = job.checksum().orElseThrow();
        if (!actual.equals(expected.hex())) {
            throw new IntegrityException(job.uri(), expected.algorithm(), expected.hex(), actual);
        }
    }

    private Result finish(DownloadJob job, MessageDigest digest, long size) throws IOException {
        verifyOrDelete(job, digest);
        // The rename would carry the attributes along: these describe a part, not a finished file.
        storeAttribute(SEGMENTS_ATTRIBUTE, null);
        storeSource(Source.UNKNOWN);
        // This one goes along: the file is this URL's, which a later run of it may replace.
        recordUrl(job);
        keepPermissionsOfTarget();
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Result(size);
    }

    /**
     * As {@link #finish}, for a part {@link #write} made afresh: it knows which attributes the
     * part holds ({@code described}, or none but what it stored), so it removes those and
     * stores the URL without listing them first. The renamed file ends as {@link #finish}
     * leaves it: the URL, and no source or segments record.
     */
    private Result finishCreated(DownloadJob job, MessageDigest digest, long size, Source described)
            throws IOException {
        verifyOrDelete(job, digest);
        if (described == null) {
            recordUrl(job);
        } else {
            // describe() recorded the URL already.
            described.validator().ifPresent(v -> removeAttribute(VALIDATOR_ATTRIBUTE));
            described.length().ifPresent(l -> removeAttribute(LENGTH_ATTRIBUTE));
            if (!described.coding().isEmpty()) {
                removeAttribute(CODING_ATTRIBUTE);
            }
        }
        keepPermissionsOfTarget();
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Result(size);
    }

    private void verifyOrDelete(DownloadJob job, MessageDigest digest) throws IntegrityException {
        try {
            verify(job, digest);
        } catch (IntegrityException e) {
            deleteQuietly(); // a corrupt part is no start to resume from
            throw e;
        }
    }

    /**
     * A file the download replaces keeps its permissions, as {@code Body.transferTo(Path)} does
     * for {@code get -o} (curl and wget write over a file in place): a rename would leave a file
     * kept private (0600) at the umask's mode. A symbolic link there is replaced, not written
     * through, so what it points to (maybe outside the directory) lends the new file nothing.
     */
    private void keepPermissionsOfTarget() throws IOException {
        try {
            if (isRegularFileNotFollowed(target)) {
                Files.setPosixFilePermissions(part, Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
            }
        } catch (UnsupportedOperationException | NoSuchFileException e) {
            // No POSIX permissions here, or the old file went meanwhile: the part keeps its own.
        }
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
