package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A connection that outlives the idle timeout in the pool is closed normally: a plain one with
 * a FIN, so the server reads the end of the stream (it was reset, SO_LINGER 0); a TLS one with a
 * close_notify first (RFC 9112 §9.8), sent off the watchdog's thread, which a close_notify that
 * cannot go out must not block (it was reset, and the server saw a truncation).
 */
class IdleExpiryCloseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.shared();

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

    @Test
    void anIdleTlsConnectionEndsWithACloseNotify() throws Exception {
        // A relay between the client and the server counts the bytes the client sends: after
        // the request, only a close_notify record can come before the end of the stream.
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("ok"))));
             ServerSocket relay = new ServerSocket()) {
            relay.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AtomicLong fromClient = new AtomicLong();
            CompletableFuture<Long> clientEnded = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (Socket c = relay.accept(); Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    Thread.ofVirtual().start(() -> pump(s, c, new AtomicLong()));
                    pump(c, s, fromClient);
                    clientEnded.complete(fromClient.get());
                } catch (IOException e) {
                    clientEnded.completeExceptionally(e);
                }
            });
            try (Client client = Client.builder().sslContext(CERTS.clientContext()).idleTimeout(Duration.ofMillis(50))
                    .readTimeout(WAIT).build()) {
                try (Response r = client.send(Request.get("https://127.0.0.1:" + relay.getLocalPort() + "/"))) {
                    assertThat(r.body().text()).isEqualTo("ok");
                }
                long request = fromClient.get(); // all of it reached the server before its answer
                assertThat(clientEnded.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("bytes sent in all; %d before the close", request)
                        .isGreaterThan(request);
                assertThat(client.poolState()).contains("leased=0", "idle=0");
            }
        }
    }

    /**
     * Copies {@code from}'s input to {@code to}'s output until the end or a reset, counting each
     * read before passing it on: once the client has its answer, the count holds all of its
     * request (counted after the write, the last bytes could still be missing from it).
     */
    private static void pump(Socket from, Socket to, AtomicLong count) {
        byte[] buffer = new byte[16 << 10];
        try {
            InputStream in = from.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                count.addAndGet(n);
                to.getOutputStream().write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // A reset, or the other side gone: the count is what it is.
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
