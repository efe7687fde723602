package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.net.BufferPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * When a body's read buffer grows: only for a body both big and fast (a slow stream gains
 * nothing from big reads, and ten thousand must fit in little memory), and never back.
 */
class ReadBufferGrowthTest {
    private static final int SMALL = BufferPool.SMALL;
    private static final int MEDIUM = BufferPool.MEDIUM;
    private static final int LARGE = BufferPool.LARGE;
    private static final long MIB = 1L << 20;

    @ParameterizedTest(name = "{0} bytes of body at {1} B/s in a {2}-byte buffer -> {3}")
    @CsvSource({
        // Young or slow: stays as it is.
        "0,        0,                   16384,   16384",
        "65535,    9223372036854775807, 16384,   16384",
        "10485760, 8388607,             16384,   16384",
        "10485760, 65536,               16384,   16384",
        // 64 KiB at 8 MiB/s: medium; from 1 MiB at 64 MiB/s: large.
        "65536,    8388608,             16384,   131072",
        "1048575,  9223372036854775807, 16384,   131072",
        "1048576,  67108863,            16384,   131072",
        "1048576,  67108864,            16384,   1048576",
        "1048576,  67108864,            131072,  1048576",
        "9223372036854775807, 9223372036854775807, 16384, 1048576",
        // Never smaller than it is.
        "65536,    8388608,             131072,  131072",
        "0,        0,                   131072,  131072",
        "0,        0,                   1048576, 1048576",
    })
    void growsOnlyForABodyBothBigAndFast(long body, long bytesPerSecond, int cap, int expected) {
        assertThat(Exchange.grownCapacity(cap, body, bytesPerSecond)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "the thresholds: {0}")
    @CsvSource({"medium", "large"})
    void eachThresholdIsInclusiveAndOneLessIsNot(String which) {
        boolean large = which.equals("large");
        long bytes = large ? MIB : 64 * 1024;
        long rate = large ? 64 * MIB : 8 * MIB;
        int grown = large ? LARGE : MEDIUM;
        int from = large ? MEDIUM : SMALL;
        assertThat(Exchange.grownCapacity(from, bytes, rate)).isEqualTo(grown);
        assertThat(Exchange.grownCapacity(from, bytes - 1, rate)).isEqualTo(from);
        assertThat(Exchange.grownCapacity(from, bytes, rate - 1)).isEqualTo(from);
    }
}
