package dev.sluice.engine;

import dev.sluice.Response;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.Script;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against a real response body: {@code chunks(1)} of a body of
 * exactly N bytes served by a scripted server, so each item is one byte of the wire.
 */
@Test
public class RealBodyPublisherTckTest extends RealBodyTck<ByteBuffer> {
    @Override
    void respond(int n, Script response) {
        response.send(Responses.head(200, "Content-Length: " + n)).sendPattern(n);
    }

    @Override
    Flow.Publisher<ByteBuffer> publisher(Response response) {
        return response.body().async().chunks(1);
    }
}
