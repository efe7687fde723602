package dev.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports for tests that need nobody listening. */
public final class Ports {
    private Ports() {
    }

    /**
     * A loopback port that was just free: bound, then closed. Connecting to it is refused unless
     * another process grabs it in between, which ephemeral port allocation makes very unlikely.
     */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
