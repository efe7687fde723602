package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.FullBacklog;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interrupting the thread that sends a request or reads its body is the caller's decision,
 * not a failure of the server: it ends in an {@link InterruptedIOException} that names the
 * URL (as {@link Client#send} documents), never a {@link SluiceException} that the CLI would
 * call a protocol or connect error and the downloader would retry. The thread stays
 * interrupted, and the connection is closed, not leaked.
 */
class InterruptTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.shared();

    enum Kind {
        PLATFORM, VIRTUAL;

        Thread start(Runnable task) {
            return this == PLATFORM ? Thread.ofPlatform().daemon().start(task) : Thread.ofVirtual().start(task);
        }
    }

    /** What a thread threw, and whether it was still interrupted then. */
    private record Outcome(Throwable thrown, boolean stillInterrupted) {}

    private interface Task {
        void run() throws Exception;
    }

    private static Thread run(Kind kind, Task task, CompletableFuture<Outcome> outcome) {
        return kind.start(() -> {
            try {
                task.run();
                outcome.complete(new Outcome(null, Thread.currentThread().isInterrupted()));
            } catch (Throwable t) {
                outcome.complete(new Outcome(t, Thread.currentThread().isInterrupted()));
            }
        });
    }

    private static void assertInterrupted(CompletableFuture<Outcome> outcome, URI uri) throws Exception {
        Outcome o = outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(o.thrown()).isInstanceOf(InterruptedIOException.class)
                .isNotInstanceOf(SluiceException.class)
                .hasMessageContaining(uri.toString());
        assertThat(o.stillInterrupted()).as("the thread's interrupt status").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInterruptWhileReadingTheBodyIsAnInterruptedIoException(Kind kind) throws Exception {
        interruptMidBody(kind, false);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInterruptWhileReadingATlsBodyIsAnInterruptedIoException(Kind kind) throws Exception {
        interruptMidBody(kind, true);
    }

    private void interruptMidBody(Kind kind, boolean tls) throws Exception {
        java.util.function.Consumer<ScriptedServer.Spec> spec = s -> s.onEveryConnection(c -> c.expectRequest()
                .send(Responses.head(200, "Content-Length: 100000")).sendPattern(1000).stallUntil("never"));
        try (var server = tls ? ScriptedServer.startTls(CERTS.serverContext(), spec) : ScriptedServer.start(spec);
             Client client = Client.builder().sslContext(CERTS.clientContext()).readTimeout(WAIT).build()) {
            URI uri = server.uri("/body");
            var firstBytesRead = new CountDownLatch(1);
            var outcome = new CompletableFuture<Outcome>();
            Thread reader = run(kind, () -> {
                try (Response r = client.send(Request.get(uri))) {
                    InputStream in = r.body().stream();
                    assertThat(in.readNBytes(1000)).hasSize(1000);
                    firstBytesRead.countDown();
                    in.read(); // blocks: the server stalls
                }
            }, outcome);
            assertThat(firstBytesRead.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            reader.interrupt();
            assertInterrupted(outcome, uri);
            assertThat(client.poolState()).contains("leased=0", "idle=0");
            server.release("never");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInterruptWhileWaitingForTheHeadIsAnInterruptedIoException(Kind kind) throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().stallUntil("never")));
             Client client = Client.builder().readTimeout(WAIT).build()) {
            URI uri = server.uri("/head");
            var outcome = new CompletableFuture<Outcome>();
            Thread sender = run(kind, () -> client.send(Request.get(uri)).close(), outcome);
            server.awaitRequests(1, WAIT);
            sender.interrupt();
            assertInterrupted(outcome, uri);
            assertThat(client.poolState()).contains("leased=0", "idle=0");
            server.release("never");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInterruptWhileWaitingForAFreeConnectionSaysSoLikeEveryOther(Kind kind) throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("held"))));
             Client client = Client.builder().maxConnectionsPerHost(1).build();
             Response held = client.send(Request.get(server.uri("/held")))) {
            URI uri = server.uri("/waits");
            var outcome = new CompletableFuture<Outcome>();
            // The one connection is leased: the send waits for it, interrupted from the start.
            run(kind, () -> {
                Thread.currentThread().interrupt();
                client.send(Request.get(uri)).close();
            }, outcome);

            assertInterrupted(outcome, uri);
            assertThat(outcome.get().thrown()).hasMessage(uri + ": interrupted while waiting for a free connection");
            assertThat(client.poolState()).contains("leased=1", "waiting=0");
            assertThat(held.status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInterruptWhileConnectingIsAnInterruptedIoException(Kind kind) throws Exception {
        try (FullBacklog backlog = new FullBacklog();
             Client client = Client.builder().connectTimeout(WAIT).build()) {
            assumeTrue(backlog.isFull(), "this kernel refuses instead of ignoring a connect to a full queue");
            URI uri = backlog.uri("/connect");
            var outcome = new CompletableFuture<Outcome>();
            // Whether the interrupt finds the thread in connect or about to start it, the
            // connect fails at once (a channel refuses to block for an interrupted thread).
            Thread sender = run(kind, () -> client.send(Request.get(uri)).close(), outcome);
            sender.interrupt();
            assertInterrupted(outcome, uri);
            assertThat(client.poolState()).contains("leased=0", "waiting=0");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aThreadInterruptedBeforeSendingGetsAnInterruptedIoException(Kind kind) throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("never read"))));
             Client client = Client.builder().readTimeout(WAIT).build()) {
            URI uri = server.uri("/early");
            var outcome = new CompletableFuture<Outcome>();
            run(kind, () -> {
                Thread.currentThread().interrupt();
                client.send(Request.get(uri)).close();
            }, outcome);
            assertInterrupted(outcome, uri);
        }
    }
}
