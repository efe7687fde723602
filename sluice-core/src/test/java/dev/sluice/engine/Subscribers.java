package dev.sluice.engine;

import java.util.concurrent.Flow;
import java.util.function.Consumer;

/** Subscribers for tests that only care what happens at subscription. */
public final class Subscribers {
    private Subscribers() {
    }

    /** A subscriber that runs {@code action} in {@code onSubscribe} and ignores every other signal. */
    public static <T> Flow.Subscriber<T> onSubscribeOnly(Consumer<Flow.Subscription> action) {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                action.accept(subscription);
            }

            @Override
            public void onNext(T item) {
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        };
    }
}
