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
 * <p>Only the worker thread ever writes the report, so the two cannot race. Once the downloads
 * have ended ({@link #downloadsEnded}) the hook no longer interrupts: the worker is then
 * writing the report of a complete run, and an interrupt would only break that write.
 *
 * <pre>{@code
 * try (InterruptGuard guard = InterruptGuard.install()) {
 *     report = run(jobs);                 // or the report of a DownloadInterruptedException
 *     guard.downloadsEnded();
 *     write(report);
 * }
 * }</pre>
 */
final class InterruptGuard implements AutoCloseable {
    /** The longest a shutdown waits for the report: a job that ignores its interrupt must not hold the exit. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private enum State { DOWNLOADING, INTERRUPTED, FINISHING }

    private final Thread worker;
    private final Thread hook;
    /** Guards {@link #state}, and with it the interrupt of the worker: see {@link #downloadsEnded}. */
    private final ReentrantLock lock = new ReentrantLock();
    private State state = State.DOWNLOADING;
    /** Released when the worker has done all it does, the report included. */
    private final CountDownLatch done = new CountDownLatch(1);

    private InterruptGuard(Thread worker) {
        this.worker = worker;
        this.hook = Thread.ofPlatform().name("sluice-interrupt").unstarted(this::onShutdown);
    }

    /** Guards the calling thread's downloads until {@link #close}. */
    static InterruptGuard install() {
        InterruptGuard guard = new InterruptGuard(Thread.currentThread());
        Runtime.getRuntime().addShutdownHook(guard.hook);
        return guard;
    }

    private void onShutdown() {
        lock.lock();
        try {
            if (state == State.DOWNLOADING) {
                state = State.INTERRUPTED;
                worker.interrupt();
            }
        } finally {
            lock.unlock();
        }
        try {
            done.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // The JVM is exiting either way.
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
