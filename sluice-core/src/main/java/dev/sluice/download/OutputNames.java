package dev.sluice.download;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Hands out the final paths of one {@link Downloader} run, numbering duplicates. A path and its
 * {@code .part} sibling are claimed together: a job named {@code x.part} would otherwise take
 * the part file of a job named {@code x} (and {@code x.part.part} that of {@code x.part}), and
 * one job's rename would replace the other's file. Safe for the run's threads at once.
 */
final class OutputNames {
    private static final String PART = ".part";
    /** Guards {@link #taken}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Path> taken = new HashSet<>();

    /** {@code wanted}, or when someone has it, {@code name.1.ext}, {@code name.2.ext}... */
    Path claim(Path wanted) {
        return claim(wanted, p -> false);
    }

    /**
     * {@code wanted}, or when someone has it or {@code occupied} says it is not to be written
     * (a file already there, a path the caller keeps for itself), the first of
     * {@code name.1.ext}, {@code name.2.ext}... that is free of both.
     */
    Path claim(Path wanted, Predicate<Path> occupied) {
        lock.lock();
        try {
            Path p = wanted;
            for (int n = 1; isTaken(p) || occupied.test(p); n++) {
                p = wanted.resolveSibling(numbered(wanted.getFileName().toString(), n));
            }
            taken.add(p);
            return p;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code name.N.ext}, its stem shortened (between characters, as {@link FileNames#cut} does)
     * so that it and its {@code .part} fit in {@link FileNames#MAX_NAME_BYTES}: a name that fits
     * (a caller's of 250 bytes) must not become one whose part file the file system refuses.
     */
    static String numbered(String name, int n) {
        String number = "." + n;
        String base = FileNames.cut(name, FileNames.MAX_NAME_BYTES - PART.length() - number.length());
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) + number + base.substring(dot) : base + number;
    }

    /** Gives back a path {@link #claim} returned, for a job that takes another name. */
    void release(Path claimed) {
        lock.lock();
        try {
            taken.remove(claimed);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code p}, its part file, or the file whose part {@code p} would be, is someone's. */
    private boolean isTaken(Path p) {
        String name = p.getFileName().toString();
        return taken.contains(p) || taken.contains(p.resolveSibling(name + PART))
                || (name.endsWith(PART) && taken.contains(p.resolveSibling(name.substring(0, name.length() - PART.length()))));
    }
}
