package dev.sluice.engine;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against a real response body: {@code chunks(1)} of a body of
 * exactly N bytes served by a scripted server, so each item is one byte of the wire.
 */
@Test
public class RealBodyPublisherTckTest extends FlowPublisherVerification<ByteBuffer> {
    private static final long MAX_ELEMENTS = 4096;

    private ScriptedServer server;
    private Client client;

    public RealBodyPublisherTckTest() {
        super(new TestEnvironment(1_000, 100));
    }

    @BeforeClass
    public void startServer() throws IOException {
        server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            long n = Long.parseLong(req.target().substring(1));
            r.send(Responses.head(200, "Content-Length: " + n)).sendPattern(n);
        }));
        client = Client.newClient();
    }

    @AfterClass(alwaysRun = true)
    public void stopServer() {
        client.close();
        server.close();
    }

    @Override
    public long maxElementsFromPublisher() {
        return MAX_ELEMENTS;
    }

    @Override
    public Flow.Publisher<ByteBuffer> createFlowPublisher(long elements) {
        try {
            Response r = client.send(Request.get(server.uri("/" + elements)));
            return r.body().async().chunks(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Flow.Publisher<ByteBuffer> createFailedFlowPublisher() {
        Flow.Publisher<ByteBuffer> taken = createFlowPublisher(1);
        taken.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
            }

            @Override
            public void onNext(ByteBuffer item) {
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        });
        return taken;
    }

}
