package dev.sluice.cli;

import dev.sluice.Request;
import dev.sluice.download.DownloadJob;
import dev.sluice.download.ProgressEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the downloads of one run are doing, as their {@link ProgressEvent}s tell it. Events come
 * from many download threads at once, so {@link #on} only stores numbers in volatile fields
 * and counters and queues what is to be printed ({@link Notice}: jobs that ended, retries, in
 * the order they happened); {@link ProgressPrinter} reads them on its own thread.
 *
 * <p>Each job has one {@link Slot}. The segments of a segmented download report the bytes of
 * their job from several threads at once, each with the job's running total, and not always in
 * order: so a slot keeps the largest total seen, and a new attempt ({@code Started}) resets it.
 */
final class DownloadProgress implements ProgressEvent.Listener {

    enum Phase { QUEUED, ACTIVE, RETRYING, DONE, FAILED }

    /** One job's state. Fields written by its download thread, read by the printer. */
    static final class Slot {
        final String url;
        /**
         * The name the job has: before an attempt starts, the provisional one (the -i name or
         * the one its URL path gives); then the path the downloader gives it.
         */
        volatile String name;
        volatile Phase phase = Phase.QUEUED;
        volatile int attempt;
        /** While {@link Phase#RETRYING}: when (on the progress clock) the job's next attempt is due. */
        volatile long retryAtNanos;
        final AtomicLong bytes = new AtomicLong();
        /** -1 while unknown (no Content-Length, or not started). */
        volatile long totalBytes = -1;

        /** Owned by the printer thread: the byte count at its previous frame and the smoothed speed. */
        long sampleBytes;
        double bytesPerSecond;

        Slot(String url, String provisionalName) {
            this.url = url;
            this.name = provisionalName;
        }
    }

    /** Something to print about a job, queued in the order it happened. */
    sealed interface Notice {
        int index();
    }

    /**
     * A job that ended.
     *
     * @param path       where the file is (or would have been); null when no name was decided
     * @param bytes      the size of the file when {@code ok}
     * @param cause      why it failed, or null
     * @param notRetried why a failure that is otherwise retried was not, when the cause does not say
     */
    record Outcome(int index, Path path, boolean ok, long bytes, Duration elapsed, Exception cause,
                   Optional<String> notRetried) implements Notice {
    }

    /** A job's attempt failed; attempt number {@code nextAttempt} follows after {@code delay}. */
    record Retrying(int index, int nextAttempt, Exception cause, Duration delay) implements Notice {
    }

    private final Map<DownloadJob, Integer> indexOf;
    private final Slot[] slots;
    private final ConcurrentLinkedQueue<Notice> notices = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ended = new AtomicInteger();
    /** Bytes that came over the network in this run, for speeds. */
    private final LongAdder transferredBytes = new LongAdder();
    /** The clock of {@link Slot#retryAtNanos}, the one the printer's frames are given. */
    private final LongSupplier nanoClock;

    /**
     * @param jobs             the jobs, in the order given to the downloader; events are matched
     *                         to them by identity, since two jobs may be equal records
     * @param provisionalNames a name per job to show until the file is named
     */
    DownloadProgress(List<DownloadJob> jobs, List<String> provisionalNames) {
        this(jobs, provisionalNames, System::nanoTime);
    }

    /** As above, with the clock that frames are drawn by ({@link ProgressPrinter#frame}): tests pass a fake one. */
    DownloadProgress(List<DownloadJob> jobs, List<String> provisionalNames, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        indexOf = new IdentityHashMap<>(jobs.size() * 2);
        slots = new Slot[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            indexOf.put(jobs.get(i), i);
            slots[i] = new Slot(Request.hidePasswords(jobs.get(i).uri().toString()), provisionalNames.get(i));
        }
    }

    @Override
    public void on(ProgressEvent event) {
        Integer index = indexOf.get(event.job());
        if (index == null) {
            return; // Not a job of this run: nothing to show.
        }
        Slot s = slots[index];
        switch (event) {
            case ProgressEvent.Started started -> {
                if (started.path() != null) {
                    s.name = started.path().toString();
                }
                s.bytes.set(started.resumeFrom());
                s.totalBytes = started.totalBytes().orElse(-1);
                s.attempt = started.attempt();
                s.phase = Phase.ACTIVE;
            }
            case ProgressEvent.Bytes bytes -> {
                long before = s.bytes.getAndAccumulate(bytes.bytes(), Math::max);
                if (bytes.bytes() > before) {
                    transferredBytes.add(bytes.bytes() - before);
                }
            }
            case ProgressEvent.Retry retry -> {
                s.attempt = retry.attempt() + 1;
                // A deadline, not the delay: the view counts down to it.
                s.retryAtNanos = nanoClock.getAsLong() + retry.delay().toNanos();
                s.phase = Phase.RETRYING;
                notices.add(new Retrying(index, retry.attempt() + 1, retry.cause(), retry.delay()));
            }
            case ProgressEvent.Finished finished -> {
                s.bytes.set(finished.bytes());
                s.totalBytes = finished.bytes();
                s.phase = Phase.DONE;
                ended.incrementAndGet();
                notices.add(new Outcome(index, finished.path(), true, finished.bytes(), finished.elapsed(), null,
                        Optional.empty()));
            }
            case ProgressEvent.Failed failed -> {
                s.phase = Phase.FAILED;
                ended.incrementAndGet();
                notices.add(new Outcome(index, failed.path(), false, s.bytes.get(), failed.elapsed(), failed.cause(),
                        failed.notRetried()));
            }
        }
    }

    /** The next thing to print since the last call, or null. */
    Notice pollNotice() {
        return notices.poll();
    }

    int size() {
        return slots.length;
    }

    Slot slot(int index) {
        return slots[index];
    }

    /** Jobs finished or failed so far. */
    int ended() {
        return ended.get();
    }

    long transferredBytes() {
        return transferredBytes.sum();
    }
}
