package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The other side of finding dropped subscribers: a subscription its subscriber still holds,
 * with no demand and so no reader thread, is neither closed by the garbage collector nor left
 * without its timeouts.
 */
class LiveSubscriptionTest {
    static final int HALF = 100_000;

    static ScriptedServer server() throws Exception {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.head(200, "Content-Length: " + 2 * HALF))
                .sendPattern(0, HALF).stallUntil("rest").sendPattern(HALF, HALF)));
    }

    @Test
    void aHeldSubscriberWithoutDemandIsNotFoundLeaked() throws Exception {
        try (var server = server(); Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build()) {
            AtomicReference<WeakReference<Response>> response = new AtomicReference<>();
            Flow.Publisher<ByteBuffer> publisher = client.sendAsync(Request.get(server.uri("/x"))).thenApply(r -> {
                response.set(new WeakReference<>(r));
                return r.body().async().publisher();
            }).get(10, TimeUnit.SECONDS);
            var subscriber = new RecordingSubscriber<ByteBuffer>(1);
            publisher.subscribe(subscriber);
            publisher = null;
            subscriber.next(); // demand is zero now: no reader thread holds the subscription
            for (int i = 0; i < 50 && response.get().get() != null; i++) {
                System.gc();
            }
            assertThat(response.get().get()).as("the Response object itself is collectable").isNull();
            for (int i = 0; i < 10; i++) {
                System.gc();
            }
            server.release("rest");
            subscriber.subscription().request(Long.MAX_VALUE);
            assertThat(subscriber.done).succeedsWithin(Duration.ofSeconds(10));
            assertThat(subscriber.all.stream().mapToLong(ByteBuffer::remaining).sum()).isEqualTo(2 * HALF);
            assertThat(client.poolState()).contains("leased=0", "idle=1");
        }
    }

    @Test
    void aTotalTimeoutReachesASubscriberWithoutDemandOrReader() throws Exception {
        try (var server = server(); Client client = Client.builder().totalTimeout(Duration.ofMillis(500)).build()) {
            Response r = client.sendAsync(Request.get(server.uri("/x"))).get();
            var subscriber = new RecordingSubscriber<ByteBuffer>(1);
            r.body().async().publisher().subscribe(subscriber);
            subscriber.next();
            assertThat(subscriber.done).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(TotalTimeoutException.class);
            assertThat(client.poolState()).contains("leased=0");
            server.release("rest");
        }
    }
}
