package dev.sluice.engine;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.Script;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against a publisher over a real response body: a scripted server
 * answers {@code GET /N} with a body that the publisher turns into exactly N elements.
 */
abstract class RealBodyTck<T> extends FlowPublisherVerification<T> {
    private ScriptedServer server;
    private Client client;

    RealBodyTck() {
        // The TCK's 300 ms for a cancelled publisher to drop its subscriber (§3.13, "eventually")
        // is a sleep, not a wait: on a loaded machine the body's virtual thread had not yet run
        // the cancel through by then. 2 s more per class, paid once.
        super(new TestEnvironment(1_000, 100), 2_000);
    }

    /** Answers {@code GET /N} with a body of {@code n} elements. */
    abstract void respond(int n, Script response);

    /** The publisher under test over this body. */
    abstract Flow.Publisher<T> publisher(Response response);

    @BeforeClass
    public void startServer() throws IOException {
        server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> respond(Integer.parseInt(req.target().substring(1)), r)));
        client = Client.newClient();
    }

    @AfterClass(alwaysRun = true)
    public void stopServer() {
        client.close();
        server.close();
    }

    @Override
    public long maxElementsFromPublisher() {
        return 4096;
    }

    @Override
    public Flow.Publisher<T> createFlowPublisher(long elements) {
        try {
            return publisher(client.send(Request.get(server.uri("/" + elements))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A publisher whose body is already taken: subscribing gets onSubscribe then onError. */
    @Override
    public Flow.Publisher<T> createFailedFlowPublisher() {
        Flow.Publisher<T> taken = createFlowPublisher(1);
        taken.subscribe(Subscribers.onSubscribeOnly(Flow.Subscription::cancel));
        return taken;
    }
}
