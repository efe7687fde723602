package dev.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GeneratedFilesTest {
    /** Two full blocks and a short one. */
    private static final long SIZE = 2L * GeneratedFiles.BLOCK_BYTES + 1000;

    private static byte[] whole(GeneratedFiles files, int index) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] block = new byte[GeneratedFiles.BLOCK_BYTES];
        for (long b = 0; b < files.blockCount(); b++) {
            all.write(block, 0, files.fillBlock(index, b, block));
        }
        return all.toByteArray();
    }

    @Test
    void contentDependsOnlyOnTheFileIndex() {
        GeneratedFiles a = new GeneratedFiles(3, SIZE);
        GeneratedFiles b = new GeneratedFiles(5, SIZE);
        assertThat(whole(a, 2)).isEqualTo(whole(b, 2)).hasSize((int) SIZE);
        assertThat(whole(a, 1)).isNotEqualTo(whole(a, 2));
    }

    @Test
    void blocksOfOneFileDiffer() {
        byte[] all = whole(new GeneratedFiles(1, SIZE), 0);
        int n = GeneratedFiles.BLOCK_BYTES;
        assertThat(Arrays.copyOfRange(all, 0, n)).isNotEqualTo(Arrays.copyOfRange(all, n, 2 * n));
    }

    @Test
    void checksumsAreThoseOfTheWholeContent() throws Exception {
        GeneratedFiles files = new GeneratedFiles(3, SIZE);
        var sums = files.sha256All();
        for (int i = 0; i < 3; i++) {
            assertThat(sums.get(i)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(whole(files, i)));
        }
    }

    @Test
    void namesAreZeroPaddedToTheLargestIndex() {
        assertThat(new GeneratedFiles(3, 1).name(2)).isEqualTo("02.bin");
        assertThat(new GeneratedFiles(1000, 1).name(7)).isEqualTo("007.bin");
        assertThat(new GeneratedFiles(1001, 1).name(1000)).isEqualTo("1000.bin");
    }

    @Test
    void aFileSmallerThanABlockIsOneShortBlock() {
        GeneratedFiles files = new GeneratedFiles(1, 10);
        assertThat(files.blockCount()).isEqualTo(1);
        assertThat(files.fillBlock(0, 0, new byte[GeneratedFiles.BLOCK_BYTES])).isEqualTo(10);
        assertThat(files.totalBytes()).isEqualTo(10);
    }
}
