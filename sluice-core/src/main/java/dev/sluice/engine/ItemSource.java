package dev.sluice.engine;

import java.io.IOException;

/**
 * Items pulled one at a time by a {@link BodyPublisher}'s reading thread: byte buffers, fixed
 * blocks or lines of a body.
 */
public interface ItemSource<T> {

    /** The next item, blocking until it is there; null at the end. */
    T next() throws IOException;

    /** Stops early: closes the connection. May be called from any thread, during {@link #next()}. */
    void abort();

    /** Ends normally after the last item (frees the connection). */
    void close();

    /**
     * Whether the items have ended, known without blocking (all of a body of declared length
     * has come; the body is then ended as the read of its end would end it): then
     * {@link #next()} would return null at once. False when unsure. Lets the publisher
     * complete without waiting for demand it does not need (Reactive Streams §1.4), and
     * without a read that meets the end.
     */
    default boolean hasEnded() {
        return false;
    }
}
