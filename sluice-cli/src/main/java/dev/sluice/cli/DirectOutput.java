package dev.sluice.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which output paths are written straight into rather than replaced: {@code get -o FILE} and
 * {@code download --report FILE} alike. A device or a pipe, or a path in /proc or a link into
 * it (/dev/stdout, /dev/fd/1, /proc/self/fd/1, which may stand for the regular file a shell
 * opened as standard output), is opened and written; renaming a new file over it would replace
 * the node or the link (a system's /dev/stdout), and removing it after a failure would delete it.
 *
 * <pre>{@code
 * if (DirectOutput.isWrittenDirectly(path)) { write into it } else { write beside it and rename }
 * }</pre>
 */
final class DirectOutput {
    /** More links than this in a row is a loop, or as good as one. */
    private static final int MAX_LINK_HOPS = 16;

    private DirectOutput() {
    }

    /**
     * Whether {@code file} is written straight into, never replaced nor removed. A regular file
     * or a new name in an ordinary directory below /dev (/dev/shm) is an ordinary path.
     */
    static boolean isWrittenDirectly(Path file) {
        if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
            return true; // a device or a pipe
        }
        Path p = file.toAbsolutePath().normalize();
        for (int hops = 0; hops < MAX_LINK_HOPS; hops++) {
            if (p.startsWith("/proc") || liesInProc(p.getParent())) {
                return true; // /proc/self/fd/1, and /dev/fd/1 through the link /dev/fd
            }
            if (!Files.isSymbolicLink(p)) {
                return false;
            }
            try {
                p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    /** Whether {@code dir}, through its links, is a directory of /proc. */
    private static boolean liesInProc(Path dir) {
        if (dir == null) {
            return false;
        }
        try {
            return dir.toRealPath().startsWith("/proc");
        } catch (IOException e) {
            return false; // no such directory: nothing there to write into
        }
    }
}
