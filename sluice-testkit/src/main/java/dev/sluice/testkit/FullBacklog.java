package dev.sluice.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A listening socket that never accepts, its accept queue filled by plain connections, so the
 * kernel ignores further SYNs and a connect to it hangs: a connect timeout on 127.0.0.1.
 * {@link #isFull()} says whether the queue could be filled (a kernel that resets instead, with
 * {@code tcp_abort_on_overflow}, cannot make a connect hang).
 */
public final class FullBacklog implements AutoCloseable {
    private static final int MAX_FILLERS = 16;
    private static final int FILLER_CONNECT_MILLIS = 300;

    private final ServerSocket server = new ServerSocket();
    private final List<Socket> fillers = new ArrayList<>();
    private final boolean full;

    public FullBacklog() throws IOException {
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        boolean hung = false;
        for (int i = 0; i < MAX_FILLERS && !hung; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), FILLER_CONNECT_MILLIS);
                fillers.add(s);
            } catch (SocketTimeoutException e) {
                hung = true; // the queue is full: this connect was ignored
                s.close();
            } catch (IOException e) {
                s.close();
                break; // refused or reset: this kernel does not let a connect hang
            }
        }
        full = hung;
    }

    public boolean isFull() {
        return full;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}
