package dev.sluice.download;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Starts runs for tests that act while a download goes on. */
final class DownloadRuns {
    private DownloadRuns() {
    }

    /**
     * Runs {@code jobs} on a virtual thread of their own: the report, or what the run threw.
     *
     * <pre>{@code
     * CompletableFuture<Report> first = DownloadRuns.inBackground(downloader, List.of(job));
     * }</pre>
     */
    static CompletableFuture<Report> inBackground(Downloader downloader, List<DownloadJob> jobs) {
        CompletableFuture<Report> run = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                run.complete(downloader.run(jobs));
            } catch (Throwable t) {
                run.completeExceptionally(t);
            }
        });
        return run;
    }
}
