package dev.sluice.cli;

import dev.sluice.download.DownloadInterruptedException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets {@code sluice download} end its run in order when the process is told to stop (Ctrl-C
 * or SIGINT, SIGTERM): a shutdown hook interrupts the thread running the downloads, whose
 * {@code Downloader.run} then stops every job and throws a {@link DownloadInterruptedException}
 * with the report of the run so far; that thread prints and writes it as it does any report,
 * and the hook waits for it, at most {@link #MAX_WAIT}, so that the exit never hangs.
 *
 * <p>It is installed first, before the options are checked and the jobs read (a signal may
 * come while {@code -i FIFO} is read): a signal before the downloads began
 * ({@link #downloadsBegin}) runs the {@code beforeDownloads} action in the hook, which then
 * returns at once: the worker may be blocked in a read no interrupt ends (a FIFO, standard
 * input), and writes no report once it notices. Otherwise only the worker ever writes the report, so the two
 * cannot race. Once the downloads have ended ({@link #downloadsEnded}) the hook no longer
 * interrupts: the worker is then writing the report of a complete run, and an interrupt would
 * only break that write.
 *
 * <pre>{@code
 * try (InterruptGuard guard = InterruptGuard.install(this::removeOldReport)) {
 *     jobs = read();
 *     if (!guard.downloadsBegin()) return interruptedEarly();
 *     report = run(jobs);                 // or the report of a DownloadInterruptedException
 *     guard.downloadsEnded();
 *     write(report);
 * }
 * }</pre>
 */
final class InterruptGuard implements AutoCloseable {
    /** The longest a shutdown waits for the report: a job that ignores its interrupt must not hold the exit. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private enum State { PREPARING, DOWNLOADING, INTERRUPTED, FINISHING }

    private final Thread worker;
    private final Thread hook;
    private final Runnable beforeDownloads;
    /** Guards {@link #state}, and with it the interrupt of the worker: see {@link #downloadsEnded}. */
    private final ReentrantLock lock = new ReentrantLock();
    private State state = State.PREPARING;
    /** Released when the worker has done all it does, the report included. */
    private final CountDownLatch done = new CountDownLatch(1);

    private InterruptGuard(Thread worker, Runnable beforeDownloads) {
        this.worker = worker;
        this.beforeDownloads = beforeDownloads;
        this.hook = Thread.ofPlatform().name("sluice-interrupt").unstarted(this::onShutdown);
    }

    /**
     * Guards the calling thread's downloads until {@link #close}; {@code beforeDownloads} is run
     * by the hook when the signal comes before {@link #downloadsBegin}.
     */
    static InterruptGuard install(Runnable beforeDownloads) {
        InterruptGuard guard = new InterruptGuard(Thread.currentThread(), beforeDownloads);
        Runtime.getRuntime().addShutdownHook(guard.hook);
        return guard;
    }

    private void onShutdown() {
        boolean early;
        lock.lock();
        try {
            early = state == State.PREPARING;
            if (state == State.PREPARING || state == State.DOWNLOADING) {
                state = State.INTERRUPTED;
                worker.interrupt();
            }
        } finally {
            lock.unlock();
        }
        if (early) {
            // The worker writes no report now, and may be blocked in a read no interrupt ends
            // (a FIFO, standard input): nothing to wait for.
            beforeDownloads.run();
            return;
        }
        try {
            done.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // The JVM is exiting either way.
        }
    }

    /**
     * Called by the worker when the jobs are known and the downloads are to begin. False when
     * the hook ran already: then the worker stops (its interrupt is cleared) and writes no report.
     */
    boolean downloadsBegin() {
        lock.lock();
        try {
            if (state == State.INTERRUPTED) {
                Thread.interrupted();
                return false;
            }
            state = State.DOWNLOADING;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the hook ran (the process is told to stop). */
    boolean interrupted() {
        lock.lock();
        try {
            return state == State.INTERRUPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called by the worker when the downloads have ended, normally or by the interrupt: from
     * now on the hook does not interrupt, and an interrupt that came after the downloads ended
     * is cleared, so that it cannot break the report's write. Says whether the hook ran.
     */
    boolean downloadsEnded() {
        lock.lock();
        try {
            boolean interrupted = state == State.INTERRUPTED;
            if (interrupted) {
                Thread.interrupted();
            }
            state = State.FINISHING;
            return interrupted;
        } finally {
            lock.unlock();
        }
    }

    /** The worker is done: the hook, if it runs, has nothing to wait for; otherwise it is removed. */
    @Override
    public void close() {
        lock.lock();
        try {
            state = State.FINISHING;
        } finally {
            lock.unlock();
        }
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs, finds the work done, and returns.
        }
    }
}
