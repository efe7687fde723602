package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.net.GatedResolver;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A name lookup that hangs (a resolver that does not answer: getaddrinfo heeds neither
 * timeouts nor interrupts) was waited for whole: the connect and total timeouts passed
 * unnoticed until it returned, and a cancelled request kept its pool slot all that time. The
 * resolver here holds its lookups until the test ends.
 */
class SlowNameResolutionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A name of its own for each test: the JDK caches a lookup that found no host for 10 s. */
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final String hanging = "http://name" + NAMES.incrementAndGet() + GatedResolver.SUFFIX + "/";

    @BeforeEach
    void closeTheGate() {
        GatedResolver.close();
    }

    @AfterEach
    void openTheGate() {
        GatedResolver.open();
    }

    @Test
    void theConnectTimeoutEndsAHangingLookup() {
        try (Client client = Client.builder().connectTimeout(Duration.ofMillis(300)).build()) {
            CompletableFuture<Response> f = client.sendAsync(Request.get(hanging));

            assertThat(f).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(ConnectTimeoutException.class);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void theTotalTimeoutEndsAHangingLookup() {
        try (Client client = Client.builder().totalTimeout(Duration.ofMillis(300)).build()) {
            CompletableFuture<Response> f = client.sendAsync(Request.get(hanging));

            assertThat(f).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(TotalTimeoutException.class);
            assertThat(client.poolState()).contains("leased=0");
        }
    }

    @Test
    void aRequestCancelledInAHangingLookupFreesItsSlotForTheNext() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("next"))));
             // A connect timeout far beyond the wait below: only the cancel can free the slot in time.
             Client client = Client.builder().maxConnections(1).connectTimeout(Duration.ofMinutes(5)).build()) {
            CompletableFuture<Response> lookingUp = client.sendAsync(Request.get(hanging));
            // Only once the lookup holds the one slot is the cancel a cancel of the lookup (the
            // pool has no hook to wait on: its state is polled, for at most WAIT).
            long end = System.nanoTime() + WAIT.toNanos();
            while (!client.poolState().contains("leased=1")) {
                assertThat(System.nanoTime()).as("the lookup took the slot: %s", client.poolState()).isLessThan(end);
                Thread.onSpinWait();
            }

            lookingUp.cancel(true);

            try (Response r = client.sendAsync(Request.get(server.uri("/next"))).get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(r.body().text()).isEqualTo("next");
            }
        }
    }
}
