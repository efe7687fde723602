package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Output directories on tmpfs: emptied before every run, checked after it. */
final class Scratch {
    private Scratch() {
    }

    /** Deletes {@code dir} with everything in it and makes it again, empty. */
    static Path fresh(Path dir) throws IOException {
        delete(dir);
        return Files.createDirectories(dir);
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Fails unless {@code dir} holds exactly {@code count} regular files of {@code size} bytes and
     * nothing else (no temporary or control file left behind).
     */
    static void expectFiles(Path dir, int count, long size, String who) throws IOException {
        int good = 0;
        int other = 0;
        String example = null;
        try (Stream<Path> all = Files.list(dir)) {
            for (Path p : all.toList()) {
                if (Files.isRegularFile(p) && Files.size(p) == size) {
                    good++;
                } else {
                    other++;
                    example = p.getFileName().toString();
                }
            }
        }
        if (good != count || other != 0) {
            throw new IOException(who + " left " + good + " complete files of " + count + " in " + dir
                    + (other > 0 ? " and " + other + " others (such as " + example + ")" : ""));
        }
    }
}
