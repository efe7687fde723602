package dev.sluice.engine;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against {@code lines()} of a real response body: N lines served by
 * a scripted server, so the publisher has exactly N elements, the last one without a line end.
 */
@Test
public class RealLinesPublisherTckTest extends FlowPublisherVerification<String> {
    private static final long MAX_ELEMENTS = 4096;

    private ScriptedServer server;
    private Client client;

    public RealLinesPublisherTckTest() {
        super(new TestEnvironment(1_000, 100));
    }

    @BeforeClass
    public void startServer() throws IOException {
        server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> {
            int n = Integer.parseInt(req.target().substring(1));
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < n; i++) {
                body.append("line ").append(i).append(i % 2 == 0 ? "\n" : "\r\n");
            }
            if (n > 0) {
                body.setLength(body.length() - (n % 2 == 1 ? 1 : 2)); // the last line has no end
            }
            r.send(Responses.ok(body.toString()));
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
    public Flow.Publisher<String> createFlowPublisher(long elements) {
        try {
            Response r = client.send(Request.get(server.uri("/" + elements)));
            return r.body().async().lines();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Flow.Publisher<String> createFailedFlowPublisher() {
        // A publisher whose body is already taken: subscribing gets onSubscribe then onError.
        Flow.Publisher<String> taken = createFlowPublisher(1);
        taken.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
            }

            @Override
            public void onNext(String item) {
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
