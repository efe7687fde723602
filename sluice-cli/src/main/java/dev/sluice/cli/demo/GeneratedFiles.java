package dev.sluice.cli.demo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's files: {@code count} files of {@code size} bytes each, whose content is a
 * pseudo-random pattern fixed by the file's index. Any 64 KiB block of any file can be made on
 * its own, so the server streams a file through one reusable buffer and the client knows each
 * file's SHA-256 beforehand without either side ever holding a whole file.
 */
final class GeneratedFiles {
    /** The unit of generation: a block is a function of (file, block number) only. */
    static final int BLOCK_BYTES = 64 * 1024;
    /** Any fixed number: it only has to be the same on both sides and from run to run. */
    private static final long SEED = 0x51C3_DE30_2025L;

    private final int count;
    private final long size;

    GeneratedFiles(int count, long size) {
        if (count < 1 || size < 1) {
            throw new IllegalArgumentException("count and size must be positive: " + count + ", " + size);
        }
        this.count = count;
        this.size = size;
    }

    int count() {
        return count;
    }

    long size() {
        return size;
    }

    long totalBytes() {
        return count * size;
    }

    /** {@code 07.bin}: the URL path segment and the local file name of file {@code index}. */
    String name(int index) {
        int digits = Integer.toString(count - 1).length();
        return String.format(java.util.Locale.ROOT, "%0" + Math.max(2, digits) + "d.bin", index);
    }

    /**
     * Fills {@code block} (at least {@link #BLOCK_BYTES} long) with block {@code blockNumber} of
     * file {@code index}; returns how many of its bytes belong to the file (the last block is short).
     */
    int fillBlock(int index, long blockNumber, byte[] block) {
        long start = blockNumber * BLOCK_BYTES;
        int length = (int) Math.min(BLOCK_BYTES, size - start);
        SplittableRandom random = new SplittableRandom(SEED + 31L * index + 0x100000001B3L * blockNumber);
        ByteBuffer out = ByteBuffer.wrap(block, 0, BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        while (out.remaining() >= Long.BYTES) {
            out.putLong(random.nextLong());
        }
        return length;
    }

    long blockCount() {
        return (size + BLOCK_BYTES - 1) / BLOCK_BYTES;
    }

    /** The SHA-256 of every file, computed by generating each through one buffer. */
    List<byte[]> sha256All() {
        byte[] block = new byte[BLOCK_BYTES];
        List<byte[]> sums = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            MessageDigest sha = newSha256();
            for (long b = 0; b < blockCount(); b++) {
                sha.update(block, 0, fillBlock(i, b, block));
            }
            sums.add(sha.digest());
        }
        return sums;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
