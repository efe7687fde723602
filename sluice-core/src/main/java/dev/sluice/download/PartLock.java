package dev.sluice.download;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps two downloads of one {@code NAME.part} apart, in this JVM or in other processes: two
 * runs into one directory would write the same file at once, and the first to finish would
 * rename what the other had written into it.
 *
 * <p>Not a lock on the part itself: a part is deleted and made again within a job, and a POSIX
 * lock goes with any close of any descriptor of its file in the process. Instead each part
 * (its directory's identity on disk and its name) is hashed to one byte of a lock file in the
 * temporary directory that every sluice process of the user shares and keeps open until it
 * exits, and that byte is locked ({@code fcntl}, released by the kernel when the process
 * ends, however it ends). So nothing is added to the download directory. Where the lock file
 * cannot be opened (no writable temporary directory) or locked, parts are not locked: the
 * download goes on as before.
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
            // (XDG_RUNTIME_DIR is set in login sessions only: a cron job would use another file).
            try {
                int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                return openLockFile(Path.of(System.getProperty("java.io.tmpdir")), uid);
            } catch (IOException | RuntimeException e) {
                return null; // no /proc, no unix attributes: parts go unlocked
            }
        }
    }

    /**
     * The lock file of user {@code uid} in {@code dir}, or null when it cannot be used. Other
     * users share that directory: the file is made 0600, and one found there is used only when
     * it is a regular file of this user that no one else may open (else a read lock by another
     * user would refuse every download, and a FIFO in its place would block the open).
     */
    static FileChannel openLockFile(Path dir, int uid) {
        Path file = dir.resolve("sluice-parts-" + uid + ".lock");
        try {
            try {
                return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                // Made by an earlier run; in a directory with the sticky bit (as /tmp is), a
                // file of this user cannot be replaced by another user after this check.
                Map<String, Object> a = Files.readAttributes(file, "unix:uid,mode,isRegularFile", LinkOption.NOFOLLOW_LINKS);
                if (!Boolean.TRUE.equals(a.get("isRegularFile")) || (Integer) a.get("uid") != uid
                        || ((Integer) a.get("mode") & 077) != 0) {
                    return null;
                }
                return FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Locks {@code part}, whose directory must be there, for this download: the lock, or empty
     * when another download (in this process or another) holds it. Without a lock file, a lock
     * that locks nothing.
     */
    static Optional<PartLock> tryLock(Path part) throws IOException {
        FileChannel channel = Shared.CHANNEL;
        if (channel == null) {
            return Optional.of(new PartLock(null, part));
        }
        long offset = offset(part);
        FileLock lock;
        try {
            lock = channel.tryLock(offset, 1, false);
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

    /**
     * Where in the lock file {@code part}'s byte is: 63 bits of a hash of its directory's
     * identity on disk (device and inode, read through links, so that two spellings of one
     * directory meet, and a link pointed elsewhere meets its new target) and its name. The
     * directory must be there: a run that found it missing could only name the part by a
     * directory above, as a later run would not. Two parts of a run meet by chance with a
     * probability of about n²/2^64 (and then the second fails as if in use).
     */
    static long offset(Path part) throws IOException {
        Path absolute = part.toAbsolutePath();
        Path dir = absolute.getParent();
        BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class);
        Object identity = a.fileKey() != null ? a.fileKey() : dir.toRealPath();
        // Below Long.MAX_VALUE - 1: the locked range, offset + 1, must not overflow.
        return (hash(identity + "/" + absolute.getFileName()) & Long.MAX_VALUE) % (Long.MAX_VALUE - 1);
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
