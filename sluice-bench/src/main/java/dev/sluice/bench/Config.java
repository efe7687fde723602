package dev.sluice.bench;

import java.nio.file.Path;

/**
 * What one harness run does: where nginx listens, where the data and scratch files live, and
 * how many runs each workload gets.
 *
 * @param base      nginx's origin, {@code http://127.0.0.1:PORT}, serving /1k, /1g and (full mode) /10g
 * @param work      scratch directory for files written by the to-file workload
 * @param quick     the short mode (under three minutes in all)
 * @param python    a python3 with aiohttp, or null to leave aiohttp out
 * @param pairs     interleaved pairs per peer for the 1 GiB workloads
 * @param warmups   untimed runs of each in-process client before timing
 * @param smallPairs interleaved pairs per peer for the small-response workload
 * @param wrkSeconds how long each wrk run lasts
 */
record Config(String base, Path work, boolean quick, String python, int pairs, int warmups, int smallPairs,
              int wrkSeconds) {

    static final long ONE_GIB = 1L << 30;
    static final long TEN_GIB = 10L << 30;
    static final int SMALL_BODY = 1024;
    static final int SMALL_REQUESTS = 20_000;

    static Config of(String base, Path work, boolean quick, String python) {
        return quick
                ? new Config(base, work, true, python, 5, 1, 5, 2)
                : new Config(base, work, false, python, 9, 3, 7, 5);
    }

    String url(String path) {
        return base + path;
    }
}
