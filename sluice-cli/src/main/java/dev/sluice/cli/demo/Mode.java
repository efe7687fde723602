package dev.sluice.cli.demo;

/** The four ways the demo downloads the same files, in the order it runs them. */
enum Mode {
    SEQUENTIAL_SYNC("1 sequential, sync",
            "client.send + body().chunks(8192), one file after the other (Example 1, iter_content)", false),
    ONE_BY_ONE_ASYNC("2 one by one, async",
            "sendAsync + body().async().publisher(), each file joined before the next (Example 2)", false),
    CONCURRENT_ASYNC("3 concurrent, async",
            "every sendAsync started at once, maxConnectionsPerHost(%d), allOf (Example 3, asyncio.gather)", true),
    CONCURRENT_VIRTUAL_THREADS("4 concurrent, sync on virtual threads",
            "the code of 1 on one virtual thread per file, at most %d at once (Semaphore)", true);

    private final String label;
    private final String description;
    private final boolean concurrent;

    Mode(String label, String description, boolean concurrent) {
        this.label = label;
        this.description = description;
        this.concurrent = concurrent;
    }

    /** The row name in the table and the chart. */
    String label() {
        return label;
    }

    /** What the mode does, in API terms. */
    String description(int concurrency) {
        return description.formatted(concurrency);
    }

    boolean isConcurrent() {
        return concurrent;
    }

    boolean isAsync() {
        return this == ONE_BY_ONE_ASYNC || this == CONCURRENT_ASYNC;
    }
}
