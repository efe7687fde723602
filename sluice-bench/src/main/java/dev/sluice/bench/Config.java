package dev.sluice.bench;

import java.nio.file.Path;

/**
 * What one harness run does: where nginx listens, where the data and scratch files live, and
 * how many runs each workload gets.
 *
 * @param base      nginx's origin, {@code http://127.0.0.1:PORT}, serving /1k, /1g and (full mode) /10g
 * @param work      scratch directory for files written by the to-file workload
 * @param quick     the short mode (under three minutes in all, build included)
 * @param python    a python3 with aiohttp, or null to leave aiohttp out
 * @param requestsPython a python3 with requests, or null to leave requests out (workloads a, b)
 * @param pairs     interleaved pairs per peer for the 1 GiB workloads
 * @param warmups   untimed runs of each in-process client before timing
 * @param smallPairs interleaved pairs per peer for the small-response workload
 * @param wrkSeconds how long each wrk run lasts
 * @param cli       root of a frozen copy of the {@code ./sluice} launcher and its jar (workloads f, g, i),
 *                  or null to leave them out
 * @param aiohttpScale the scale harness's aiohttp script (its {@code files} mode, workload f), or null
 * @param shm       a directory on tmpfs for the files written by workloads f and g
 * @param rounds    rounds of workload f (every client once per round, order rotating)
 * @param concRounds rounds of workload h
 * @param segPairs  pairs of {@code -s 4} and {@code -s 1} runs in workload g
 * @param startupRounds rounds of workload i
 * @param files     files fetched in workload f: all 1,000 that are served, 300 in the quick mode
 * @param smallFileRounds rounds of workload j (every client once per round, order rotating)
 */
record Config(String base, Path work, boolean quick, String python, String requestsPython, int pairs, int warmups,
              int smallPairs, int wrkSeconds, Path cli, String aiohttpScale, Path shm, int rounds, int segPairs,
              int startupRounds, int concRounds, int files, int smallFileRounds) {

    static final long ONE_GIB = 1L << 30;
    static final long TEN_GIB = 10L << 30;
    static final int SMALL_BODY = 1024;
    static final int SMALL_REQUESTS = 20_000;

    static final int FILES = 1000;
    static final int FILE_SIZE = 1 << 20;
    static final long SEGMENTED_SIZE = 64L << 20;
    static final int CONCURRENT = 64;

    static Config of(String base, Path work, boolean quick, String python, String requestsPython, Path cli,
                     String aiohttpScale, Path shm) {
        // The quick mode must finish in under three minutes, build included: 3 pairs, 2 s wrk
        // runs, 300 files in (f), one pair in (g) (its -s 1 run alone lasts 8 s), 5 rounds in (i),
        // 2 rounds of 3 in 10 of the files in (j).
        return quick
                ? new Config(base, work, true, python, requestsPython, 3, 1, 3, 2, cli, aiohttpScale, shm, 3, 1, 5, 2, 300, 2)
                : new Config(base, work, false, python, requestsPython, 9, 3, 7, 5, cli, aiohttpScale, shm, 5, 4, 20, 9,
                        FILES, 5);
    }

    String url(String path) {
        return base + path;
    }
}
