package dev.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import java.net.URI;
import java.security.MessageDigest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo server, through the sluice client. Timing is only checked from below. */
class DemoServerTest {
    private final Client client = Client.newClient();
    private DemoServer server;

    @AfterEach
    void close() {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private byte[] get(URI uri) throws Exception {
        try (Response r = client.send(Request.get(uri))) {
            r.raiseForStatus();
            return r.body().bytes();
        }
    }

    @Test
    void servesEachFileWithTheChecksumKnownBeforehand() throws Exception {
        GeneratedFiles files = new GeneratedFiles(3, 100_000);
        server = DemoServer.start(files, 0, 1L << 30);
        var sums = files.sha256All();
        for (int i = 0; i < 3; i++) {
            byte[] body = get(server.uriOf(i));
            assertThat(body).hasSize(100_000);
            assertThat(MessageDigest.getInstance("SHA-256").digest(body)).isEqualTo(sums.get(i));
        }
    }

    @Test
    void aCorruptedFileDiffersInExactlyOneByte() throws Exception {
        GeneratedFiles files = new GeneratedFiles(2, 200_000);
        server = DemoServer.start(files, 0, 1L << 30);
        byte[] good = get(server.uriOf(1));
        server.corruptFile(1);
        byte[] bad = get(server.uriOf(1));
        int differing = 0;
        for (int i = 0; i < good.length; i++) {
            differing += good[i] != bad[i] ? 1 : 0;
        }
        assertThat(differing).isEqualTo(1);
        assertThat(bad[100_000]).isNotEqualTo(good[100_000]);
        assertThat(get(server.uriOf(0))).hasSize(200_000);
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        server = DemoServer.start(new GeneratedFiles(2, 10), 0, 1 << 20);
        String base = "http://" + server.authority();
        for (String path : new String[] {"/files/2.bin", "/files/02.bin", "/files/1.bin", "/files/-1.bin", "/files/",
            "/", "/files/00.binx"}) {
            try (Response r = client.send(Request.get(base + path))) {
                assertThat(r.status()).as(path).isEqualTo(404);
            }
        }
    }

    @Test
    void turnsTcpNoDelayOnUnlessTheUserChoseOtherwise() throws Exception {
        // Nagle's algorithm held each file's last short segment back for the client's delayed
        // ACK (~40 ms a file). The JDK server reads the switch once, when it first starts; what
        // can be checked here is that the switch is set before this server is created.
        String before = System.getProperty(DemoServer.NO_DELAY);
        try {
            System.clearProperty(DemoServer.NO_DELAY);
            DemoServer.start(new GeneratedFiles(1, 10), 0, 1 << 20).close();
            assertThat(System.getProperty(DemoServer.NO_DELAY)).isEqualTo("true");

            System.setProperty(DemoServer.NO_DELAY, "false");
            DemoServer.start(new GeneratedFiles(1, 10), 0, 1 << 20).close();
            assertThat(System.getProperty(DemoServer.NO_DELAY)).as("the user's choice").isEqualTo("false");
        } finally {
            if (before == null) {
                System.clearProperty(DemoServer.NO_DELAY);
            } else {
                System.setProperty(DemoServer.NO_DELAY, before);
            }
        }
    }
}
