package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The read timeout bounds a silence, also while sending: an upload that moves all along is
 * never one. A body of bytes went out under a single deadline, so on a link slower than its
 * size per read timeout (64 MiB at 1 MB/s: 64 s against 30 s) a moving upload failed as a
 * read timeout. The server here takes 64 KiB every 20 ms, about 3 MB/s, far from a silence of
 * 2 s; the 16 MiB it takes after the socket buffers fill last several seconds.
 *
 * <p>How long one slice of 64 KiB waits is not the slice's alone: the kernel wakes a blocked
 * writer only once a part of its send buffer has drained, and on loopback that buffer grows to
 * 4 MiB, so each wait here is about half a second (1.4 MiB at this pace). Slices smaller than
 * that (a file went out a MiB at a time) cannot be told apart on loopback; on a real link the
 * buffer is about what the link holds in flight.
 */
class SlowUploadTest {
    private static final int LENGTH = 16 << 20;
    private static final TestCertificates CERTS = TestCertificates.shared();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"bytes, http", "file, http", "file, https"})
    void anUploadThatKeepsMovingIsNoSilence(String kind, String scheme) throws Exception {
        byte[] data = new byte[LENGTH];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        RequestBody body = kind.equals("bytes") ? RequestBody.ofBytes(data) : RequestBody.ofPath(Files.write(dir.resolve("up"), data));
        boolean tls = scheme.equals("https");
        try (ServerSocket listener = tls ? CERTS.serverContext().getServerSocketFactory().createServerSocket() : new ServerSocket()) {
            listener.setReceiveBufferSize(64 << 10); // a small window: the body waits on the pace below
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Long> received = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> received.complete(serveSlowly(listener)));
            Client.Builder builder = Client.builder().readTimeout(Duration.ofSeconds(2));
            try (Client client = (tls ? builder.sslContext(CERTS.clientContext()) : builder).build();
                 Response response = client.send(Request.put(scheme + "://127.0.0.1:" + listener.getLocalPort() + "/up", body))) {
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body().text()).isEqualTo("ok");
            }
            assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(LENGTH);
        }
    }

    /** Reads the head, then the body 64 KiB at a time with a pause after each; answers 200. */
    private static long serveSlowly(ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                head.write(in.read());
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            OutputStream out = socket.getOutputStream();
            if (text.toLowerCase().contains("expect: 100-continue")) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            byte[] chunk = new byte[64 << 10];
            long total = 0;
            while (total < LENGTH) {
                int n = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, LENGTH - total));
                if (n == 0) {
                    break;
                }
                total += n;
                Thread.sleep(20); // the pace of a slow link, not a wait for an event
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return total;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}
