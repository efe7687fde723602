package dev.sluice.engine;

import dev.sluice.Response;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.Script;
import java.util.concurrent.Flow;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against {@code lines()} of a real response body: N lines, ending
 * in LF and CRLF by turns, the last one without an end, so the publisher has exactly N elements.
 */
@Test
public class RealLinesPublisherTckTest extends RealBodyTck<String> {
    @Override
    void respond(int n, Script response) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            body.append("line ").append(i).append(i % 2 == 0 ? "\n" : "\r\n");
        }
        if (n > 0) {
            body.setLength(body.length() - (n % 2 == 1 ? 1 : 2)); // the last line has no end
        }
        response.send(Responses.ok(body.toString()));
    }

    @Override
    Flow.Publisher<String> publisher(Response response) {
        return response.body().async().lines();
    }
}
