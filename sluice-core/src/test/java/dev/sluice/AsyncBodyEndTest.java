package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How an asynchronous body ends without blocking anybody: a publisher completes as soon as the
 * last byte of a body of known length has gone out, without waiting for more demand; a status
 * error raised in a future chain, and a close of an asynchronous response, drain off the
 * caller's thread.
 */
class AsyncBodyEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    /**
     * Requests one item at a time until {@code length} bytes came, then no more: the publisher
     * must complete on its own and give the connection back.
     */
    private void completesWithoutFurtherDemand(int length, Function<AsyncBody, Flow.Publisher<ByteBuffer>> form)
            throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: " + length)).sendPattern(length)));
             Client client = Client.builder().readTimeout(WAIT).build()) {
            Response r = client.sendAsync(Request.get(server.uri("/p"))).get();
            var subscriber = new RecordingSubscriber<ByteBuffer>(1);
            form.apply(r.body().async()).subscribe(subscriber);
            var verifier = new PatternBytes.Verifier(0);
            while (verifier.position() < length) {
                verifier.update(subscriber.next());
                if (verifier.position() < length) {
                    subscriber.subscription().request(1);
                }
            }
            // No request after the item that carried the last byte.
            assertThat(subscriber.done).as("onComplete without another request").succeedsWithin(WAIT);
            assertThat(client.poolState()).contains("leased=0", "idle=1");
        }
    }

    @Test
    void aPublisherCompletesOnceTheLastDeclaredByteWentOutWithoutAnotherRequest() throws Exception {
        completesWithoutFurtherDemand(5, AsyncBody::publisher);
        completesWithoutFurtherDemand(300_000, AsyncBody::publisher);
    }

    @Test
    void chunksCompleteOnceTheLastDeclaredByteWentOutWithoutAnotherRequest() throws Exception {
        completesWithoutFurtherDemand(4096, body -> body.chunks(1024)); // the last block is a whole one
        completesWithoutFurtherDemand(4000, body -> body.chunks(1024));
    }

    @Test
    void forEachEndsABodyOfDeclaredLengthAndGivesTheConnectionBack() throws Exception {
        // forEach asks whether all of the body has come before each read and ends it then,
        // without a read: the connection must go back to the pool as when a read meets the end.
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            int length = Integer.parseInt(req.target().substring(1));
            r.send(Responses.head(200, "Content-Length: " + length)).sendPattern(length);
        }))) {
            for (int length : new int[] {0, 5, 300_000}) {
                var verifier = new PatternBytes.Verifier(0);
                CompletableFuture<Void> f = client.sendAsync(Request.get(server.uri("/" + length)))
                        .thenCompose(r -> r.body().async().forEach(verifier::update));
                assertThat(f).succeedsWithin(WAIT);
                assertThat(verifier.position()).isEqualTo(length);
                assertThat(client.poolState()).as("after %d bytes", length).contains("leased=0", "idle=1");
            }
            assertThat(server.connectionCount()).as("one connection carried all three").isEqualTo(1);
        }
    }

    @Test
    void aBodyReadToItsEndOnAConnectionToCloseKeepsItsEndTime() throws Exception {
        // The request asks the server to close: the loops that end a body without reading its
        // end, and a close of a stream whose bytes have all been read, must end the body as a
        // read of its end would, not abandon it (then the transfer time kept growing after the
        // body had ended).
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Length: 5")).sendPattern(5)))) {
            Request request = Request.newBuilder(server.uri("/close")).header("Connection", "close").build();
            Response viaForEach = client.sendAsync(request).get();
            assertThat(viaForEach.body().async().forEach(b -> { })).succeedsWithin(WAIT);
            assertThat(viaForEach.timings().transfer()).isEqualTo(viaForEach.timings().transfer());

            Response viaPublisher = client.sendAsync(request).get();
            var subscriber = new RecordingSubscriber<ByteBuffer>(Long.MAX_VALUE);
            viaPublisher.body().async().publisher().subscribe(subscriber);
            assertThat(subscriber.done).succeedsWithin(WAIT);
            assertThat(viaPublisher.timings().transfer()).isEqualTo(viaPublisher.timings().transfer());

            try (Response viaPieces = client.send(request)) {
                long bytes = 0;
                for (ByteBuffer b : viaPieces.body().any()) {
                    bytes += b.remaining();
                }
                assertThat(bytes).isEqualTo(5);
                assertThat(viaPieces.timings().transfer()).isEqualTo(viaPieces.timings().transfer());
            }

            // Exactly the declared bytes read, then the stream closed: Exchange.close ends it.
            Response viaStream = client.send(request);
            try (var in = viaStream.body().stream()) {
                assertThat(in.readNBytes(5)).hasSize(5);
            }
            assertThat(viaStream.timings().transfer()).isEqualTo(viaStream.timings().transfer());
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    /** A 404 whose body of ten bytes comes half now, half when the test releases it. */
    private static ScriptedServer halfSentNotFound() throws Exception {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            if (req.target().equals("/missing")) {
                r.send(Responses.head(404, "Content-Length: 10") + "01234").stallUntil("rest").send("56789");
            } else {
                r.send(Responses.ok("found"));
            }
        }));
    }

    @Test
    void raiseForStatusAsyncDrainsOffTheCallersThreadAndCompletesAfter() throws Exception {
        // A drain that waits as long as the test: "not done yet" and "reused" then hold until the
        // test releases the rest, whatever the scheduling; a close that blocked this thread
        // would block it for that long and fail them.
        try (var server = halfSentNotFound();
             Client client = Client.builder().readTimeout(WAIT).drainWait(WAIT).maxConnections(1).build()) {
            Response r = client.sendAsync(Request.get(server.uri("/missing"))).get();
            CompletableFuture<Response> raised = r.raiseForStatusAsync();
            // The server holds the rest back, so a future already done here was ended by a close
            // on this thread (which waited for the drain, and gave up after its bounded wait).
            assertThat(raised).as("completed before the body was drained").isNotDone();
            server.release("rest");
            assertThat(raised).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(HttpStatusException.class);
            assertThat(client.poolState()).contains("leased=0");
            try (Response next = client.send(Request.get(server.uri("/next")))) {
                assertThat(next.body().text()).isEqualTo("found");
            }
            assertThat(server.connectionCount()).as("the drained connection was reused").isEqualTo(1);
        }
    }

    @Test
    void raiseForStatusAsyncOfASuccessIsTheSameResponseAtOnce() throws Exception {
        try (var server = halfSentNotFound()) {
            Response r = client.sendAsync(Request.get(server.uri("/ok"))).get();
            assertThat(r.raiseForStatusAsync()).isCompletedWithValue(r);
            assertThat(r.body().text()).isEqualTo("found");
        }
    }

    @Test
    void closingAnAsynchronousResponseDoesNotWaitForItsRest() throws Exception {
        // One connection: the next request waits for the drained one to come back rather than
        // racing the drain on a second connection.
        try (var server = halfSentNotFound();
             Client client = Client.builder().readTimeout(WAIT).drainWait(WAIT).maxConnections(1).build()) {
            Response r = client.sendAsync(Request.get(server.uri("/missing"))).get();
            r.close();
            // The server holds the rest back: a close that waited for it on this thread would
            // have given up and closed the connection by now.
            assertThat(client.poolState()).as("drained elsewhere, still leased").contains("leased=1");
            server.release("rest");
            try (Response next = client.send(Request.get(server.uri("/next")))) {
                assertThat(next.body().text()).isEqualTo("found");
            }
            assertThat(client.poolState()).contains("leased=0", "idle=1");
            assertThat(server.connectionCount()).as("the drained connection was reused").isEqualTo(1);
        }
    }
}
