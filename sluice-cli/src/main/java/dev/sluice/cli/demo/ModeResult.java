package dev.sluice.cli.demo;

import java.util.List;

/**
 * The figures of one mode.
 *
 * @param mode           which mode
 * @param outcomes       one per file, in file order
 * @param wallNanos      from the first request to the last file verified
 * @param peakHeapBytes  the most heap in use while the mode ran (see {@link HeapPeak})
 */
record ModeResult(Mode mode, List<FileOutcome> outcomes, long wallNanos, long peakHeapBytes) {
    ModeResult {
        outcomes = List.copyOf(outcomes);
    }

    long verifiedFiles() {
        return outcomes.stream().filter(FileOutcome::isVerified).count();
    }

    long bytes() {
        return outcomes.stream().mapToLong(FileOutcome::bytes).sum();
    }

    double seconds() {
        return wallNanos / 1e9;
    }

    /** Bytes per second over the wall time. */
    double throughput() {
        return wallNanos == 0 ? 0 : bytes() / seconds();
    }

    List<FileOutcome> failures() {
        return outcomes.stream().filter(o -> !o.isVerified()).toList();
    }
}
