package dev.sluice.engine;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Flow.Publisher} over an {@link ItemSource}, read by a virtual thread only while
 * the subscriber has demand: a subscriber that requests one item and stalls holds the
 * connection with at most one read done ahead, and the server is slowed by TCP flow control.
 *
 * <p>Theory of operation: the subscription keeps the outstanding demand under a lock. A
 * {@code request} that finds no reader starts one; it takes one unit of demand, reads one item
 * (blocking, off the lock), delivers it, and goes on while demand lasts. When demand is zero
 * it ends, and the next {@code request} starts another. No thread waits for demand, and that
 * is the point: a parked thread is a garbage-collection root (the JDK tracks every virtual
 * thread by default), so one waiting for demand would keep the subscription, the body and its
 * connection reachable for ever once the subscriber dropped them without {@code cancel()}; as
 * it is, only the subscriber holds the subscription between requests, and a dropped one is
 * found leaked by the body stream's cleaner like any other unclosed body. A subscriber that
 * requests from within {@code onNext} (the common way) keeps one thread for the whole body.
 *
 * <p>When the source knows without blocking that it has ended (all of a Content-Length body
 * came), the reader completes the subscription and frees the connection at once, demand or
 * not (§1.4 allows {@code onComplete} without demand). Cancellation aborts the source, which
 * closes the connection and so wakes a blocked read; so does a {@code request(n <= 0)}, which
 * must end in {@code onError} even while a read blocks (§3.9). All signals come from the one
 * reader at a time (a new one starts only after the last has finished its work, under the
 * lock), so they are serial (§1.3), and the subscription counts as cancelled before the
 * terminal one, so a late {@code cancel()} is a no-op (§3.7). Between the source's close and
 * that mark a {@code cancel()} does reach the exchange; what keeps it from closing a connection
 * that has gone back to the pool is the exchange's own once-only release. When the exchange's
 * total deadline ends it, a subscription without demand gets a reader too, which ends it with
 * {@code onError(TotalTimeoutException)}: a subscriber that stalls learns of the timeout
 * without requesting again.
 */
public final class BodyPublisher<T> implements Flow.Publisher<T> {
    private static final System.Logger LOG = System.getLogger(BodyPublisher.class.getName());

    private final ItemSource<T> source;
    /** The exchange whose total deadline also ends the subscription; null for none. */
    private final Exchange exchange;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    public BodyPublisher(ItemSource<T> source) {
        this(source, null);
    }

    /** A publisher whose subscription {@code exchange}'s total deadline ends, demand or not. */
    public BodyPublisher(ItemSource<T> source, Exchange exchange) {
        this.source = source;
        this.exchange = exchange;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("a body can have only one subscriber"));
            return;
        }
        Pump<T> pump = new Pump<>(source, subscriber);
        if (exchange != null) {
            // Weakly: the exchange is reachable from the watchdog until its total deadline, and
            // through the pump it would keep the body's stream reachable, so a subscription its
            // subscriber dropped would never be found leaked (nor its connection freed) before then.
            // A local, not the field: a lambda that reads a field holds this publisher, and with
            // it the source.
            Exchange ex = exchange;
            WeakReference<Pump<T>> weakPump = new WeakReference<>(pump);
            ex.onTotalTimeout(() -> {
                Pump<T> p = weakPump.get();
                if (p != null) {
                    p.expire(ex.endedEarly());
                }
            });
        }
        try {
            subscriber.onSubscribe(pump);
        } catch (Throwable t) {
            // A subscriber that throws (checked exceptions too, thrown sneakily) breaks §2.13: its
            // subscription counts as cancelled, and the connection must not stay leased for it.
            // subscribe returns normally (§1.9).
            pump.cancel();
            LOG.log(System.Logger.Level.WARNING, "a body subscriber threw from onSubscribe; the subscription was cancelled", t);
            return;
        }
        // Only now may items flow: onNext must not overlap onSubscribe (Reactive Streams §1.3).
        pump.open();
    }

    private static final class Pump<T> implements Flow.Subscription {
        private final ItemSource<T> source;
        private final Flow.Subscriber<? super T> subscriber;
        /** Guards the fields below; never held across a read or a signal. */
        private final ReentrantLock lock = new ReentrantLock();
        private long demand;
        private boolean cancelled;
        /** A reader thread is at work: it reads while there is demand, then ends. */
        private boolean running;
        /** onSubscribe has returned. */
        private boolean open;
        /** A {@code request(n <= 0)} to report (Reactive Streams §3.9). */
        private IllegalArgumentException badRequest;
        /** The total timeout that ended the exchange, to report even without demand. */
        private IOException expired;

        Pump(ItemSource<T> source, Flow.Subscriber<? super T> subscriber) {
            this.source = source;
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            boolean wakeRead = false;
            lock.lock();
            try {
                if (cancelled) {
                    return;
                }
                if (n <= 0) {
                    if (badRequest == null) {
                        badRequest = new IllegalArgumentException("non-positive request: " + n + " (Reactive Streams §3.9)");
                        wakeRead = running;
                    }
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
                startReader();
            } finally {
                lock.unlock();
            }
            if (wakeRead) {
                source.abort(); // the reader may be blocked in a read; the error goes out once it wakes
            }
        }

        /** Called once onSubscribe has returned; starts reading when demand already came. */
        void open() {
            lock.lock();
            try {
                open = true;
                startReader();
            } finally {
                lock.unlock();
            }
        }

        /** Starts a reader when there is work and none is at it. Call with the lock held. */
        private void startReader() {
            if (open && !running && !cancelled && hasWork()) {
                running = true;
                Thread.ofVirtual().name("sluice-body-publisher").start(this::run);
            }
        }

        /** Call with the lock held. */
        private boolean hasWork() {
            return demand > 0 || badRequest != null || expired != null;
        }

        @Override
        public void cancel() {
            boolean wasRunning;
            lock.lock();
            try {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                wasRunning = running;
            } finally {
                lock.unlock();
            }
            source.abort();
            if (!wasRunning) {
                source.close();
            }
        }

        /**
         * The exchange ended at its total deadline (on the watchdog's thread: only signals).
         * The reader ends the subscription with {@code timeout}: one is started when there is
         * none; one that is reading finds its read failed (the connection is closed).
         */
        void expire(IOException timeout) {
            lock.lock();
            try {
                if (cancelled || expired != null) {
                    return;
                }
                expired = timeout;
                startReader();
            } finally {
                lock.unlock();
            }
        }

        private enum Step { READ, BAD_REQUEST, EXPIRED, NO_DEMAND }

        private void run() {
            try {
                while (true) {
                    Step step;
                    IOException timeout;
                    lock.lock();
                    try {
                        if (cancelled) {
                            running = false;
                            return;
                        }
                        timeout = expired;
                        if (badRequest != null) {
                            step = Step.BAD_REQUEST;
                        } else if (timeout != null) {
                            step = Step.EXPIRED;
                        } else if (demand > 0) {
                            demand--;
                            step = Step.READ;
                        } else {
                            step = Step.NO_DEMAND;
                        }
                    } finally {
                        lock.unlock();
                    }
                    if ((step == Step.NO_DEMAND || step == Step.READ) && source.hasEnded()) {
                        // Known without a read: the connection is freed now, not at the next
                        // request, and the end stays out of the read path (see
                        // ExchangeInputStream.endIfComplete).
                        source.close();
                        end(null);
                        return;
                    }
                    switch (step) {
                        case BAD_REQUEST -> {
                            end(null);
                            return;
                        }
                        case EXPIRED -> {
                            source.abort(); // closed already; this only makes sure
                            end(timeout);
                            return;
                        }
                        case NO_DEMAND -> {
                            if (stopUnlessWorkCame()) {
                                return;
                            }
                        }
                        case READ -> {
                            T item;
                            try {
                                item = source.next();
                            } catch (Throwable e) {
                                // Errors too (an OutOfMemoryError from a block too large for the
                                // heap): they are the source's, not the subscriber's, so they end
                                // the subscription with onError, and the connection is freed.
                                source.abort();
                                end(e);
                                return;
                            }
                            if (item == null) {
                                source.close();
                                end(null);
                                return;
                            }
                            if (!mayDeliver()) {
                                return;
                            }
                            subscriber.onNext(item);
                        }
                    }
                }
            } catch (Throwable t) {
                // A subscriber that throws breaks §2.13: its subscription is cancelled. (What the
                // source throws is caught at the read and reported there.)
                lock.lock();
                try {
                    cancelled = true;
                    running = false;
                } finally {
                    lock.unlock();
                }
                source.abort();
                LOG.log(System.Logger.Level.WARNING, "a body subscriber threw; the subscription was cancelled", t);
            }
        }

        /**
         * Ends this reader when still nothing is to be done; a request that came while it looked
         * at the source found it running and started none, so it goes on then.
         */
        private boolean stopUnlessWorkCame() {
            lock.lock();
            try {
                if (cancelled || hasWork()) {
                    return false; // the loop sees which
                }
                running = false;
                return true;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Ends the subscription: {@code onError(error)}, or {@code onComplete} when error is null,
         * unless a {@code request(n <= 0)} is pending, whose {@code onError} goes first (§3.9).
         * Nothing when it was cancelled already (§1.8). It counts as cancelled before the signal,
         * so a late {@code cancel()} is a no-op (§3.7).
         */
        private void end(Throwable error) {
            IllegalArgumentException bad;
            lock.lock();
            try {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                bad = badRequest;
            } finally {
                lock.unlock();
            }
            if (bad != null) {
                source.abort();
                subscriber.onError(bad);
            } else if (error != null) {
                subscriber.onError(error);
            } else {
                subscriber.onComplete();
            }
        }

        /** Whether an item read may go out: not cancelled, and no {@code request(n <= 0)} to report first. */
        private boolean mayDeliver() {
            boolean bad;
            lock.lock();
            try {
                if (cancelled) {
                    return false;
                }
                bad = badRequest != null;
            } finally {
                lock.unlock();
            }
            if (bad) {
                end(null);
                return false;
            }
            return true;
        }
    }
}
