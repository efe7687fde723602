package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An {@link Error} thrown while reading the body (an {@code OutOfMemoryError} from a block too
 * large for the heap, say) is the source's failure, not the subscriber's: it reaches
 * {@code onError} and the source is aborted, so the connection is freed. It was taken for a
 * subscriber that threw: the subscription was cancelled without a signal, and the subscriber
 * waited for ever.
 */
class BodyPublisherSourceErrorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Yields {@code items} items, then throws {@code error}. */
    private static final class FailingSource implements ItemSource<String> {
        private final int items;
        private final Error error;
        private int given;
        final CountDownLatch aborted = new CountDownLatch(1);

        FailingSource(int items, Error error) {
            this.items = items;
            this.error = error;
        }

        @Override
        public String next() {
            if (given == items) {
                throw error;
            }
            return "item " + given++;
        }

        @Override
        public void abort() {
            aborted.countDown();
        }

        @Override
        public void close() {
        }
    }

    /** Requests one at a time; records items, completes {@code ended} with the error or null. */
    private static final class Recorder implements Flow.Subscriber<String> {
        final List<String> items = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> ended = new CompletableFuture<>();
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(String item) {
            items.add(item);
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            ended.complete(t);
        }

        @Override
        public void onComplete() {
            ended.complete(null);
        }
    }

    @Test
    void anErrorFromTheSourceReachesOnErrorAndAbortsTheSource() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space (thrown by the test)");
        FailingSource source = new FailingSource(2, oom);
        Recorder subscriber = new Recorder();
        new BodyPublisher<>(source).subscribe(subscriber);

        assertThat(subscriber.ended).succeedsWithin(WAIT).isSameAs(oom);
        assertThat(subscriber.items).containsExactly("item 0", "item 1");
        assertThat(source.aborted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("source aborted").isTrue();
    }

    @Test
    void anErrorOnTheFirstReadIsReportedToo() {
        StackOverflowError error = new StackOverflowError("thrown by the test");
        Recorder subscriber = new Recorder();
        new BodyPublisher<>(new FailingSource(0, error)).subscribe(subscriber);
        assertThat(subscriber.ended).succeedsWithin(WAIT).isSameAs(error);
        assertThat(subscriber.items).isEmpty();
    }
}
