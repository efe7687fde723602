package dev.sluice;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber that requests only when the test says so and records every signal, so tests
 * wait on futures and queues, never on time.
 */
final class RecordingSubscriber<T> implements Flow.Subscriber<T> {
    final CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
    final LinkedBlockingQueue<T> items = new LinkedBlockingQueue<>();
    final List<T> all = new CopyOnWriteArrayList<>();
    /** Completes normally on onComplete, exceptionally with what onError delivered. */
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long initialRequest;

    RecordingSubscriber(long initialRequest) {
        this.initialRequest = initialRequest;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscribed.complete(subscription);
        if (initialRequest > 0) {
            subscription.request(initialRequest);
        }
    }

    @Override
    public void onNext(T item) {
        all.add(item);
        items.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }

    Flow.Subscription subscription() throws Exception {
        return subscribed.get(10, TimeUnit.SECONDS);
    }

    /** The next item, waiting up to ten seconds; fails when none came. */
    T next() throws InterruptedException {
        T item = items.poll(10, TimeUnit.SECONDS);
        if (item == null) {
            throw new AssertionError("no item within 10 s; done=" + done);
        }
        return item;
    }
}
