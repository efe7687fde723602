package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A plain connection that outlives the idle timeout in the pool is closed normally: the server
 * reads the end of the stream. It was reset (SO_LINGER 0), as a TLS one still is, where a
 * close_notify could block the watchdog's thread; a plain close cannot.
 */
class IdleExpiryCloseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void anIdlePlainConnectionEndsWithAFinNotAReset() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<String> end = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    InputStream in = s.getInputStream();
                    readHead(in);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    // Blocks until the client's idle timeout closes the connection.
                    end.complete(in.read() < 0 ? "end of stream" : "a byte");
                } catch (SocketException e) {
                    end.complete("SocketException: " + e.getMessage());
                } catch (IOException e) {
                    end.completeExceptionally(e);
                }
            });
            try (Client client = Client.builder().idleTimeout(Duration.ofMillis(50)).readTimeout(WAIT).build()) {
                try (Response r = client.send(Request.get("http://127.0.0.1:" + listener.getLocalPort() + "/"))) {
                    assertThat(r.body().text()).isEqualTo("ok");
                }
                assertThat(end.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("end of stream");
                assertThat(client.poolState()).contains("leased=0", "idle=0");
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
