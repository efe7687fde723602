package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a part's lock lives, and which lock files are trusted. */
class PartLockTest {
    @TempDir
    Path tmp;

    private int uid() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    @Test
    void aLinkPointedElsewhereMeetsItsNewTarget() throws Exception {
        Path r1 = Files.createDirectory(tmp.resolve("release-1"));
        Path r2 = Files.createDirectory(tmp.resolve("release-2"));
        Path current = Files.createSymbolicLink(tmp.resolve("current"), r1);
        assertThat(PartLock.offset(current.resolve("a.bin.part"))).isEqualTo(PartLock.offset(r1.resolve("a.bin.part")));

        Files.delete(current);
        Files.createSymbolicLink(current, r2);

        assertThat(PartLock.offset(current.resolve("a.bin.part"))).isEqualTo(PartLock.offset(r2.resolve("a.bin.part")))
                .isNotEqualTo(PartLock.offset(r1.resolve("a.bin.part")));
        assertThat(PartLock.offset(r2.resolve("b.bin.part"))).isNotEqualTo(PartLock.offset(r2.resolve("a.bin.part")));
    }

    @Test
    void aSubdirectoryMadeThroughALinkMeetsItsRealPath() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectory(tmp.resolve("real")));
        Files.createDirectories(link.resolve("sub")); // as a job makes its part's directory first
        assertThat(PartLock.offset(link.resolve("sub/a.bin.part"))).isEqualTo(PartLock.offset(tmp.resolve("real/sub/a.bin.part")));
    }

    @Test
    void theLockFileIsMadePrivateAndUsedAgain() throws Exception {
        try (FileChannel first = PartLock.openLockFile(tmp, uid())) {
            assertThat(first).isNotNull();
        }
        Path file = tmp.resolve("sluice-parts-" + uid() + ".lock");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (FileChannel again = PartLock.openLockFile(tmp, uid())) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void aLockFileOthersMayOpenOrOfAnotherUserIsNotUsed() throws Exception {
        Path file = Files.createFile(tmp.resolve("sluice-parts-" + uid() + ".lock"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PartLock.openLockFile(tmp, uid())).as("readable by others").isNull();

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Path other = Files.copy(file, tmp.resolve("sluice-parts-" + (uid() + 1) + ".lock"));
        assertThat(PartLock.openLockFile(tmp, uid() + 1)).as("owned by another uid").isNull();
        assertThat(Files.exists(other)).isTrue();
    }

    @Test
    void aFifoInThePlaceOfTheLockFileIsNotOpened() throws Exception {
        Path fifo = tmp.resolve("sluice-parts-" + uid() + ".lock");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo not available");
        // Opened for writing, a FIFO blocks until a reader comes: this would hang.
        assertThat(PartLock.openLockFile(tmp, uid())).isNull();
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
