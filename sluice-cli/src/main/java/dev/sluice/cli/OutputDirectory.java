package dev.sluice.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Why download's DIR cannot be made, in words: a symbolic link on its way that leads nowhere
 * (to a missing directory, in a loop, through a file), where the JDK (and mkdir -p) say only
 * "file exists" or make a directory elsewhere.
 */
final class OutputDirectory {
    /** Linux's MAXSYMLINKS: a path that needs more links followed fails with ELOOP. */
    private static final int MAX_LINKS_FOLLOWED = 40;

    private OutputDirectory() {
    }

    /**
     * The error line for a DIR that could not be made. A symbolic link that leads nowhere, as
     * DIR or above it, makes the JDK (and mkdir -p) say only "file exists", where nothing that
     * looks like a file is: the line says what the link is, and where it leads.
     */
    static String cannotCreate(Path dir, IOException e) {
        if (e instanceof FileAlreadyExistsException exists && exists.getFile() != null) {
            Path there = Path.of(exists.getFile());
            if (Files.isSymbolicLink(there) && !Files.exists(there)) {
                String which = there.equals(dir) ? "it" : there.toString();
                Optional<String> where = brokenLink(there);
                if (where.isPresent()) {
                    return "cannot create directory " + dir + ": " + which + where.get();
                }
            }
        }
        return ErrorLine.cannot("create directory", dir, e);
    }

    /**
     * Why DIR, which keeps a {@code ..} after a symbolic link (see {@link dev.sluice.download.FileNames#normalize}),
     * cannot be made, or null when it may be: what lies before its last {@code ..} must lead to a
     * directory. Where it does not, {@link Files#createDirectories} fails to make DIR, tries
     * again from its absolute path, and there reads {@code link/..} as text: it makes the
     * directory beside the link, which mkdir -p never does. The element that leads nowhere is
     * named, as given.
     */
    static String notADirectoryBeforeDotDot(Path dir) {
        int lastDotDot = -1;
        for (int i = 0; i < dir.getNameCount(); i++) {
            if (dir.getName(i).toString().equals("..")) {
                lastDotDot = i;
            }
        }
        Path above = dir.getRoot() != null ? dir.getRoot() : Path.of("");
        for (int i = 0; i <= lastDotDot; i++) {
            above = above.resolve(dir.getName(i));
            if (Files.isDirectory(above)) {
                continue;
            }
            if (!Files.exists(above, LinkOption.NOFOLLOW_LINKS)) {
                return "no such directory " + above;
            }
            if (Files.isSymbolicLink(above) && !Files.exists(above)) {
                return above + brokenLink(above).orElse(": permission denied");
            }
            return above + " is not a directory";
        }
        return null;
    }

    /**
     * What a symbolic link that leads to no directory is, in words that follow its name: a link
     * to a missing directory (or through one), in a loop, or through a file ("is not a
     * directory"); empty when it leads somewhere after all, or when it may not be followed
     * (permission denied), which the JDK's words say.
     */
    private static Optional<String> brokenLink(Path link) {
        try {
            link.toRealPath();
            return Optional.empty();
        } catch (NoSuchFileException missing) {
            return Optional.of(readLink(link).map(target -> " is a symbolic link to the missing directory " + target)
                    .orElse(" is a symbolic link to a missing directory"));
        } catch (AccessDeniedException denied) {
            return Optional.empty();
        } catch (IOException e) {
            // ELOOP and ENOTDIR come as the same FileSystemException, told apart only by its text:
            // the links are followed here instead.
            return Optional.of(inALoop(link) ? " is a symbolic link in a loop of symbolic links" : " is not a directory");
        }
    }

    /**
     * Whether following {@code link} and the links it leads to, as their own names, never ends:
     * the kernel gives up after {@link #MAX_LINKS_FOLLOWED}, and so does this.
     */
    private static boolean inALoop(Path link) {
        Path at = link;
        for (int i = 0; i <= MAX_LINKS_FOLLOWED; i++) {
            Optional<Path> target = readLink(at);
            if (target.isEmpty()) {
                return false;
            }
            at = at.resolveSibling(target.get());
        }
        return true;
    }

    private static Optional<Path> readLink(Path link) {
        try {
            return Optional.of(Files.readSymbolicLink(link));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
