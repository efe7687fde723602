package dev.sluice.download;

/**
 * {@link Downloader#run} was interrupted: its downloads were stopped, and {@link #report()}
 * says what became of each. Jobs that finished are in it as they ended; the others failed with
 * the kind {@code io} and {@link Report.Error#INTERRUPTED} as the message, their
 * {@code NAME.part} files left for a later run to resume.
 *
 * <pre>{@code
 * try {
 *     report = downloader.run(jobs);
 * } catch (DownloadInterruptedException e) {
 *     Files.writeString(reportFile, e.report().toJson()); // then stop, as interrupted
 * }
 * }</pre>
 */
public final class DownloadInterruptedException extends InterruptedException {
    private static final long serialVersionUID = 1L;

    private final transient Report report;

    DownloadInterruptedException(Report report) {
        super("interrupted before " + report.items().stream().filter(i -> !i.ok() && i.error().isInterruption()).count()
                + " of " + report.items().size() + " downloads ended");
        this.report = report;
    }

    /** What became of every job, in job order. */
    public Report report() {
        return report;
    }
}
