package dev.sluice.download;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A path compared, many times over, as {@link FileNames#sameEntry} compares two: its directory
 * is read through its links once (once that directory exists), and a path of another file name
 * is told apart without asking the file system. For the paths a download run keeps for itself
 * (a report, the list of URLs), checked against every name the run gives.
 *
 * <pre>{@code
 * PathEntry report = new PathEntry(Path.of("out/report.json"));
 * report.isEntryOf(Path.of("./out/report.json"));   // true
 * report.isEntryOf(Path.of("out/other.json"));      // false, no file-system call
 * }</pre>
 */
public final class PathEntry {
    private final Path path;
    /** Its file name after normalisation, or null when it has none. */
    private final String name;
    /** Its path read through its directory's links; null while that directory does not exist. */
    private volatile Path located;

    public PathEntry(Path path) {
        this.path = path;
        this.name = fileName(path);
        this.located = locate();
    }

    /** Whether {@code p} names the same directory entry (see {@link FileNames#sameEntry}). */
    public boolean isEntryOf(Path p) {
        String other = fileName(p);
        if (name != null && other != null && !name.equals(other)) {
            return false; // entries of two names are two entries
        }
        Path l = located;
        if (l == null) {
            l = locate();
            located = l;
            if (l == null) {
                return FileNames.sameEntry(p, path); // both read the same way: as text
            }
        }
        return FileNames.located(p).equals(l);
    }

    private Path locate() {
        // Not normalised: "lnk/.." is a directory the file system finds through the link.
        Path parent = path.toAbsolutePath().getParent();
        return parent != null && Files.isDirectory(parent) ? FileNames.located(path) : null;
    }

    private static String fileName(Path p) {
        Path f = p.toAbsolutePath().normalize().getFileName();
        return f == null ? null : f.toString();
    }
}
