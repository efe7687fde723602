package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Gzip;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A 206 of an encoded representation is a range of the encoded bytes, which cannot in general
 * be decoded on its own: it is delivered as sent.
 */
class EncodedRangeTest {

    @Test
    void aGzip206IsDeliveredAsSentNotDecoded() throws IOException {
        byte[] gz = Gzip.of(TruncatedAndGarbledResponseTest.text(20_000));
        byte[] range = Arrays.copyOfRange(gz, 100, 1100);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(206, "Content-Encoding: gzip", "Content-Length: " + range.length,
                        "Content-Range: bytes 100-1099/" + gz.length)).send(range)));
             Client client = Client.newClient();
             Response r = client.send(Request.get(server.uri("/part")).toBuilder().setHeader("Range", "bytes=100-1099").build())) {
            assertThat(r.body().isDecoded()).isFalse();
            assertThat(r.body().contentLength()).hasValue(range.length);
            assertThat(r.body().bytes()).isEqualTo(range);
        }
    }
}
