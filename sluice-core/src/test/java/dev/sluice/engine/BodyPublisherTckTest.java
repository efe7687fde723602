package dev.sluice.engine;

import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK (TestNG, run on the JUnit Platform by the TestNG engine) against
 * {@link BodyPublisher} over a synthetic {@link ItemSource} that yields exactly the requested
 * number of items, so the publisher's own protocol is checked apart from any socket.
 */
@Test
public class BodyPublisherTckTest extends FlowPublisherVerification<Long> {
    private static final long DEFAULT_TIMEOUT_MILLIS = 600;
    private static final long NO_SIGNALS_TIMEOUT_MILLIS = 50;

    public BodyPublisherTckTest() {
        super(new TestEnvironment(DEFAULT_TIMEOUT_MILLIS, NO_SIGNALS_TIMEOUT_MILLIS));
    }

    /** Yields 0, 1, ... up to {@code count - 1}, then the end. */
    static final class CountingSource implements ItemSource<Long> {
        private final long count;
        private long next;

        CountingSource(long count) {
            this.count = count;
        }

        @Override
        public Long next() {
            return next < count ? next++ : null;
        }

        @Override
        public void abort() {
        }

        @Override
        public void close() {
        }
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        return new BodyPublisher<>(new CountingSource(elements));
    }

    /** A publisher already taken by a subscriber: the next one must get onSubscribe then onError. */
    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        BodyPublisher<Long> publisher = new BodyPublisher<>(new CountingSource(10));
        publisher.subscribe(Subscribers.onSubscribeOnly(subscription -> { }));
        return publisher;
    }

}
