package dev.sluice.download;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Keeps two downloads of one {@code NAME.part} apart, in this JVM or in other processes: two
 * runs into one directory would write the same file at once, and the first to finish would
 * rename what the other had written into it.
 *
 * <p>Not a lock on the part itself: a part is deleted and made again within a job, and a POSIX
 * lock goes with any close of any descriptor of its file in the process. Instead each part
 * path (its directory's real path and its name) is hashed to one byte of a lock file in the
 * temporary directory that every sluice process of the user shares and keeps open until it
 * exits, and that byte is locked ({@code fcntl}, released by the kernel when the process ends,
 * however it ends). So nothing is added to the download directory. Where the lock file cannot be opened (no
 * writable temporary directory) or locked, parts are not locked: the download goes on as
 * before.
 *
 * <pre>{@code
 * Optional<PartLock> lock = PartLock.tryLock(part);   // empty: another download writes it
 * try { ... } finally { lock.get().release(); }
 * }</pre>
 */
final class PartLock {
    private final FileLock lock;
    private final Path part;

    private PartLock(FileLock lock, Path part) {
        this.lock = lock;
        this.part = part;
    }

    /** The lock file, opened once; null when it cannot be. */
    private static final class Shared {
        static final FileChannel CHANNEL = open();

        private static FileChannel open() {
            // In the temporary directory, which every process of the user finds the same way
            // (XDG_RUNTIME_DIR is set in login sessions only: a cron job would use another
            // file); per user, as another user's file could not be opened for writing.
            String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
            try {
                return FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"), "sluice-parts-" + user + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException | SecurityException
                     | java.nio.file.InvalidPathException e) {
                return null;
            }
        }
    }

    /**
     * Locks {@code part} for this download: the lock, or empty when another download (in this
     * process or another) holds it. Without a lock file, a lock that locks nothing.
     */
    static Optional<PartLock> tryLock(Path part) throws IOException {
        FileChannel channel = Shared.CHANNEL;
        if (channel == null) {
            return Optional.of(new PartLock(null, part));
        }
        FileLock lock;
        try {
            lock = channel.tryLock(offset(part), 1, false);
        } catch (OverlappingFileLockException e) {
            return Optional.empty(); // another job of this process holds it
        } catch (IOException e) {
            // A file system without locks (ENOLCK): the download goes on unlocked, as before.
            return Optional.of(new PartLock(null, part));
        }
        return lock == null ? Optional.empty() : Optional.of(new PartLock(lock, part));
    }

    /** The part this lock is for. */
    Path part() {
        return part;
    }

    /** Releases the lock; harmless twice. */
    void release() {
        if (lock != null && lock.isValid()) {
            try {
                lock.release();
            } catch (IOException e) {
                // The lock file's channel stays open for the process, so this does not happen;
                // were it to, the lock would go when the process ends.
            }
        }
    }

    /** The last directory read through its links, and what it read: most parts share one. */
    private static volatile RealDirectory lastDirectory;

    private record RealDirectory(Path written, String real) {
    }

    /**
     * Where in the lock file {@code part}'s byte is: 63 bits of a hash of its directory's real
     * path (so that two spellings of one directory, through a link or not, meet) and its name.
     * Two parts of a run meet by chance with a probability of about n²/2^64 (and then the
     * second waits for nothing: it fails as if in use).
     */
    static long offset(Path part) throws IOException {
        Path absolute = part.toAbsolutePath();
        Path parent = absolute.getParent();
        RealDirectory last = lastDirectory;
        String key;
        if (last != null && last.written().equals(parent)) {
            key = last.real() + "/" + absolute.getFileName();
        } else {
            // The directory may not be there yet (a list's relative/path): the nearest one
            // that is, read through its links as the file system reads it (so lnk/.. is the
            // parent of lnk's target), and the rest as written.
            Path existing = parent;
            while (existing != null && !Files.isDirectory(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                key = absolute.toString();
            } else {
                String real = existing.toRealPath().toString();
                if (existing.equals(parent)) {
                    lastDirectory = new RealDirectory(parent, real);
                }
                key = real + "/" + existing.relativize(absolute);
            }
        }
        return (hash(key) & Long.MAX_VALUE) % (Long.MAX_VALUE - 1); // position + size must not overflow
    }

    /**
     * FNV-1a over the chars, then MurmurHash3's 64-bit finaliser to spread the bits: not a
     * cryptographic hash (SHA-256 cost more than the lock itself, 10 µs a file), and none is
     * needed, as a collision only refuses a download.
     */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
