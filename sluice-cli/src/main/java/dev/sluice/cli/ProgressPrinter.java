package dev.sluice.cli;

import dev.sluice.download.Report;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything {@code sluice download} prints while and after it runs, from one thread.
 *
 * <ul>
 * <li>stderr: one line per failed job ({@code sluice: URL: cause}), in every mode, as it fails,
 *     and nothing else but the live view: an error is one line, and a job that succeeds after
 *     retries prints no error; in {@link ProgressMode#BAR} mode the live view, redrawn at most
 *     ten times a second below those lines: a line per active download (a job waiting to retry
 *     says how long) and an aggregate line. An interrupted run gets one line for all the jobs it
 *     stopped.
 * <li>stdout: a line per job ({@code NAME  BYTES bytes  SECONDS s}, or
 *     {@code NAME  failed (KIND)  SECONDS s}) and a total line. {@link ProgressMode#LINES}
 *     prints a job's line as soon as it ends, and a line per retry with its delay and cause
 *     ({@code NAME  retrying in 2.00 s (attempt 2): URL: cause}), so that a long wait is not
 *     silent; the others print the job lines all at the end, in the order the jobs were given.
 *     Quiet prints none of it.
 * </ul>
 *
 * The download threads only record events ({@link DownloadProgress}); a scheduled thread
 * turns them into output every {@link #FRAME_MILLIS} ms, and {@link #finish} prints what
 * is left once the run is over.
 */
final class ProgressPrinter implements AutoCloseable {
    /** Ten frames a second: smooth enough to read, cheap enough not to matter. */
    static final long FRAME_MILLIS = 100;
    /** More active downloads than this are summed up in one line, so the view fits a terminal. */
    static final int MAX_ACTIVE_LINES = 10;
    private static final int DEFAULT_COLUMNS = 80;
    /**
     * On a narrow terminal a line drops its numbers, one at a time, before its name (or the
     * aggregate line's file count) gets fewer columns than this: a name cut shorter says too
     * little to be worth the numbers beside it.
     */
    private static final int MIN_HEAD_COLUMNS = 10;
    private static final String ELLIPSIS = "...";
    /** Speeds are smoothed over about this long, so that the numbers can be read. */
    private static final double SPEED_SMOOTHING_SECONDS = 1.0;
    private static final String ERASE_TO_END_OF_SCREEN = "\u001b[J";

    private final ProgressMode mode;
    private final boolean quiet;
    private final DownloadProgress progress;
    private final PrintStream out;
    private final PrintStream err;
    private final int columns;
    /** Guards the output and the fields below: frames and {@link #finish} never interleave. */
    private final ReentrantLock lock = new ReentrantLock();
    private ScheduledExecutorService ticker;
    private int drawnLines;
    private long lastFrameNanos = -1;
    private long lastTransferred;
    private double bytesPerSecond;

    ProgressPrinter(ProgressMode mode, boolean quiet, DownloadProgress progress, PrintStream out, PrintStream err,
                    int columns) {
        this.mode = mode;
        this.quiet = quiet;
        this.progress = progress;
        this.out = out;
        this.err = err;
        // Not raised to some minimum: lines wider than the terminal wrap, and the redraw, which
        // goes up one row per line, would leave the wrapped halves on the screen.
        this.columns = Math.max(1, columns);
    }

    /** The terminal width from {@code COLUMNS} when the shell exports it (a positive number), else 80. */
    static int terminalColumns() {
        try {
            int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "").trim());
            return columns > 0 ? columns : DEFAULT_COLUMNS;
        } catch (NumberFormatException e) {
            return DEFAULT_COLUMNS;
        }
    }

    /** Starts the frames. */
    void start() {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("sluice-progress").unstarted(r));
        ticker.scheduleAtFixedRate(() -> tick(System.nanoTime()), 0, FRAME_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** One frame: the lines of jobs that ended, then the live view. */
    void tick(long nowNanos) {
        lock.lock();
        try {
            boolean ended = false;
            for (DownloadProgress.Notice n = progress.pollNotice(); n != null; n = progress.pollNotice()) {
                if (!ended) {
                    eraseView();
                    ended = true;
                }
                print(n);
            }
            if (mode == ProgressMode.BAR && !quiet) {
                draw(frame(nowNanos));
            } else if (ended) {
                out.flush();
            }
        } catch (RuntimeException e) {
            // A broken frame must not stop the next ones, nor the downloads.
            if (ErrorLine.debug()) {
                e.printStackTrace(err);
            }
        } finally {
            lock.unlock();
        }
    }

    private void print(DownloadProgress.Notice notice) {
        switch (notice) {
            case DownloadProgress.Outcome o -> printEnded(o);
            case DownloadProgress.Retrying r -> {
                // Only lines mode has no live view to show the wait in; quiet asked for errors only.
                if (mode == ProgressMode.LINES && !quiet) {
                    // On stdout with the jobs' lines: a retry is progress, not the command's error.
                    DownloadProgress.Slot slot = progress.slot(r.index());
                    out.println(ErrorLine.oneLine(slot.name + "  retrying in " + Units.seconds(r.delay().toNanos() / 1e9)
                            + " (attempt " + r.nextAttempt() + "): " + ErrorLine.about(slot.url, r.cause())));
                }
            }
        }
    }

    private void printEnded(DownloadProgress.Outcome o) {
        DownloadProgress.Slot slot = progress.slot(o.index());
        if (!o.ok()) {
            ErrorLine.print(err, ErrorLine.about(slot.url, o.cause())
                    + o.notRetried().map(why -> " (not retried: " + why + ")").orElse(""), o.cause());
        }
        if (mode == ProgressMode.LINES && !quiet) {
            String name = o.path() != null ? o.path().toString() : slot.name;
            out.println(o.ok() ? fileLine(name, o.bytes(), o.elapsed().toNanos() / 1e9)
                    : failedLine(name, kindOf(o.cause()), o.elapsed().toNanos() / 1e9));
        }
    }

    /**
     * The live view: a line per active download and the aggregate line. Updates the smoothed
     * speeds, so call it once per frame.
     */
    List<String> frame(long nowNanos) {
        double dt = lastFrameNanos < 0 ? 0 : (nowNanos - lastFrameNanos) / 1e9;
        double weight = dt <= 0 ? 0 : 1 - Math.exp(-dt / SPEED_SMOOTHING_SECONDS);
        lastFrameNanos = nowNanos;
        List<String> lines = new ArrayList<>();
        int active = 0;
        long remainingKnown = 0;
        int remainingUnknown = 0;
        long doneBytes = 0;
        long allBytes = 0;
        int done = 0;
        for (int i = 0; i < progress.size(); i++) {
            DownloadProgress.Slot s = progress.slot(i);
            DownloadProgress.Phase phase = s.phase;
            long bytes = s.bytes.get();
            long total = s.totalBytes;
            allBytes += bytes;
            if (phase == DownloadProgress.Phase.DONE) {
                doneBytes += bytes;
                done++;
                continue;
            }
            if (phase == DownloadProgress.Phase.FAILED) {
                continue;
            }
            if (total >= 0) {
                remainingKnown += Math.max(0, total - bytes);
            } else {
                remainingUnknown++;
            }
            if (phase == DownloadProgress.Phase.QUEUED) {
                continue;
            }
            if (weight > 0) {
                s.bytesPerSecond += weight * (Math.max(0, bytes - s.sampleBytes) / dt - s.bytesPerSecond);
            }
            s.sampleBytes = bytes;
            if (++active <= MAX_ACTIVE_LINES) {
                lines.add(fit(activeLine(s, phase, bytes, total, nowNanos)));
            }
        }
        if (active > MAX_ACTIVE_LINES) {
            lines.add(fit("  ... and " + (active - MAX_ACTIVE_LINES) + " more"));
        }
        long transferred = progress.transferredBytes();
        if (weight > 0) {
            bytesPerSecond += weight * (Math.max(0, transferred - lastTransferred) / dt - bytesPerSecond);
        }
        lastTransferred = transferred;
        lines.add(fit(aggregateLine(done, allBytes, doneBytes, remainingKnown, remainingUnknown)));
        return lines;
    }

    /**
     * {@code  NAME  BYTES / TOTAL  PERCENT  SPEED}, or {@code  NAME  BYTES  SPEED} while the size
     * is unknown, or {@code  NAME  retrying in WAIT (attempt N)}. A narrow terminal drops the byte
     * counts first (the percent says how far it is), then the speed; without a size, the speed
     * before the count; of a retry, the attempt, then the wait.
     */
    private String activeLine(DownloadProgress.Slot s, DownloadProgress.Phase phase, long bytes, long total,
                              long nowNanos) {
        String name = ErrorLine.oneLine(s.name);
        int maxName = Math.max(MIN_HEAD_COLUMNS, columns / 2);
        if (phase == DownloadProgress.Phase.RETRYING) {
            // Whole seconds left, rounded up: "in 1s" until the attempt is due, not "in 0s".
            long wait = Math.max(0, Math.ceilDiv(s.retryAtNanos - nowNanos, 1_000_000_000L));
            List<Part> parts = new ArrayList<>();
            parts.add(new Part("  retrying", 2));
            if (wait > 0) {
                parts.add(new Part(" in " + Units.eta(wait), 1));
            }
            parts.add(new Part(" (attempt " + s.attempt + ")", 0));
            return layout("  ", name, maxName, parts);
        }
        if (total >= 0) {
            return layout("  ", name, maxName, List.of(
                    new Part("  " + Units.bytes(bytes) + " / " + Units.bytes(total), 0),
                    new Part("  " + percent(bytes, total), 2),
                    new Part("  " + Units.rate(s.bytesPerSecond), 1)));
        }
        return layout("  ", name, maxName, List.of(
                new Part("  " + Units.bytes(bytes), 1),
                new Part("  " + Units.rate(s.bytesPerSecond), 0)));
    }

    /**
     * {@code DONE/ALL files (N failed)  BYTES  SPEED  ETA TIME}. A narrow terminal drops the
     * bytes first, then the speed, the failures (each has its error line above the view), the
     * ETA, and last the word "files".
     */
    private String aggregateLine(int done, long allBytes, long doneBytes, long remainingKnown, int remainingUnknown) {
        List<Part> parts = new ArrayList<>();
        int failed = progress.ended() - done;
        if (failed > 0) {
            parts.add(new Part(" (" + failed + " failed)", 2));
        }
        parts.add(new Part("  " + Units.bytes(allBytes), 0));
        parts.add(new Part("  " + Units.rate(bytesPerSecond), 1));
        // Files whose size is unknown yet are assumed to be as large as the finished ones on average.
        long remaining = remainingKnown;
        if (remainingUnknown > 0) {
            remaining = done == 0 ? -1 : remainingKnown + doneBytes / done * remainingUnknown;
        }
        String eta = remaining < 0 || bytesPerSecond < 1 ? "--" : Units.eta(Math.round(remaining / bytesPerSecond));
        parts.add(new Part("  ETA " + eta, 3));
        // The head is the count alone: "0/5 files" cut to a few columns would read "0/...".
        parts.addFirst(new Part(" files", 4));
        return layout("", done + "/" + progress.size(), Integer.MAX_VALUE, parts);
    }

    /**
     * What follows a line's head, with its own leading spaces; the lower its rank, the sooner a
     * narrow terminal drops it.
     */
    private record Part(String text, int rank) {
    }

    /**
     * {@code indent}, {@code head} and the parts in their order, in fewer columns than the
     * terminal has. While they do not fit with at least {@link #MIN_HEAD_COLUMNS} of the head,
     * the part of lowest rank is dropped; then the head is cut, ending in "..." where there is
     * room for it, and never to more than {@code maxHead} columns. The indent goes when the
     * terminal has no room for it and that much of a head, on every line alike.
     */
    private String layout(String indent, String head, int maxHead, List<Part> parts) {
        int room = columns - 1;
        if (room < DisplayWidth.of(indent) + MIN_HEAD_COLUMNS) {
            indent = "";
        }
        List<Part> kept = new ArrayList<>(parts);
        int minHead = Math.min(DisplayWidth.of(head), MIN_HEAD_COLUMNS);
        while (!kept.isEmpty() && DisplayWidth.of(indent) + minHead + width(kept) > room) {
            kept.remove(kept.stream().min(Comparator.comparingInt(Part::rank)).orElseThrow());
        }
        int headRoom = Math.max(0, Math.min(maxHead, room - DisplayWidth.of(indent) - width(kept)));
        if (DisplayWidth.of(head) > headRoom) {
            head = headRoom > ELLIPSIS.length()
                    ? DisplayWidth.cut(head, headRoom - ELLIPSIS.length()) + ELLIPSIS
                    : DisplayWidth.cut(head, headRoom);
        }
        StringBuilder b = new StringBuilder(indent).append(head);
        kept.forEach(p -> b.append(p.text()));
        return b.toString();
    }

    private static int width(List<Part> parts) {
        return parts.stream().mapToInt(p -> DisplayWidth.of(p.text())).sum();
    }

    private static String percent(long bytes, long total) {
        long p = total == 0 ? 100 : Math.min(100, bytes * 100 / total);
        return p + "%";
    }

    /**
     * Cuts a line so that it never wraps (in terminal columns): a wrapped line would break the
     * redraw. The last column stays empty, as a terminal without deferred wrapping moves to the
     * next row once it is written.
     */
    private String fit(String line) {
        return DisplayWidth.of(line) < columns ? line : DisplayWidth.cut(line, columns - 1);
    }

    private void draw(List<String> lines) {
        StringBuilder b = new StringBuilder();
        b.append(eraseSequence());
        for (String line : lines) {
            b.append(line).append('\n');
        }
        drawnLines = lines.size();
        err.print(b);
        err.flush();
    }

    private void eraseView() {
        if (drawnLines > 0) {
            err.print(eraseSequence());
            err.flush();
            drawnLines = 0;
        }
    }

    /** Back to the first line of the view (cursor up), then erase everything below. */
    private String eraseSequence() {
        return drawnLines == 0 ? "" : "\r\u001b[" + drawnLines + "A" + ERASE_TO_END_OF_SCREEN;
    }

    /**
     * Stops the frames, prints what is left: the jobs that ended since the last frame, the
     * per-file lines (unless already printed) and the total line.
     */
    void finish(Report report) {
        stopTicker();
        lock.lock();
        try {
            eraseView();
            for (DownloadProgress.Notice n = progress.pollNotice(); n != null; n = progress.pollNotice()) {
                print(n);
            }
            // A job interrupted before it ended has no event; its report item still counts. The
            // jobs an interrupt stopped get one line: there may be thousands of them.
            int interrupted = 0;
            int withParts = 0;
            List<Integer> unannounced = new ArrayList<>();
            for (int i = 0; i < report.items().size(); i++) {
                Report.Item item = report.items().get(i);
                DownloadProgress.Phase phase = progress.slot(i).phase;
                if (!item.ok() && phase != DownloadProgress.Phase.FAILED) {
                    unannounced.add(i);
                    if (item.error().isInterruption()) {
                        interrupted++;
                        // A failed item's bytes are what its part file holds.
                        withParts += item.bytes() > 0 ? 1 : 0;
                    } else {
                        ErrorLine.print(err, ErrorLine.withUrl(item.url(), item.error().message()), null);
                    }
                }
            }
            if (interrupted > 0 && report.items().size() == 1) {
                // One URL: its line names it, as every other error line of such a run does; the
                // hint only when there is a part to resume.
                Report.Item item = report.items().getFirst();
                ErrorLine.print(err, ErrorLine.withUrl(item.url(), "interrupted before it finished"
                        + (withParts > 0 ? " (run again with -c to resume what " + item.path() + ".part holds)" : "")), null);
            } else if (interrupted > 0) {
                ErrorLine.print(err, "interrupted: " + interrupted + " of " + report.items().size() + " files did not finish"
                        + (withParts > 0 ? " (run again with -c to resume what their NAME.part files hold)" : ""), null);
            }
            if (quiet) {
                return;
            }
            if (mode == ProgressMode.LINES) {
                // Lines mode printed a line per job as it ended; those that never ended get theirs
                // now, as the other modes print them, so that every job has its line.
                for (int i : unannounced) {
                    Report.Item item = report.items().get(i);
                    String name = item.path() != null ? item.path() : progress.slot(i).name;
                    out.println(failedLine(name, item.error().kind(), item.seconds()));
                }
            } else {
                for (int i = 0; i < report.items().size(); i++) {
                    Report.Item item = report.items().get(i);
                    String name = item.path() != null ? item.path() : progress.slot(i).name;
                    out.println(item.ok() ? fileLine(name, fileBytes(i, item), item.seconds())
                            : failedLine(name, item.error().kind(), item.seconds()));
                }
            }
            out.println(totalLine(report));
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    private long fileBytes(int index, Report.Item item) {
        DownloadProgress.Slot s = progress.slot(index);
        return s.phase == DownloadProgress.Phase.DONE ? s.bytes.get() : item.bytes();
    }

    static String fileLine(String name, long bytes, double seconds) {
        return ErrorLine.oneLine(name) + "  " + bytes + " bytes  " + Units.seconds(seconds);
    }

    static String failedLine(String name, String kind, double seconds) {
        return ErrorLine.oneLine(name) + "  failed (" + kind + ")  " + Units.seconds(seconds);
    }

    static String totalLine(Report report) {
        int n = report.items().size();
        long failed = report.items().stream().filter(i -> !i.ok()).count();
        String time = "total " + Units.seconds(report.totalSeconds());
        if (failed > 0) {
            return time + ", " + failed + " of " + n + " failed";
        }
        return String.format(Locale.ROOT, "%s, %d %s, %d bytes", time, n, n == 1 ? "file" : "files",
                report.totalBytes());
    }

    private static String kindOf(Exception cause) {
        return Report.Error.of(cause).kind();
    }

    private void stopTicker() {
        if (ticker == null) {
            return;
        }
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(1, TimeUnit.SECONDS)) {
                ticker.shutdownNow();
            }
        } catch (InterruptedException e) {
            ticker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        ticker = null;
    }

    @Override
    public void close() {
        stopTicker();
    }
}
