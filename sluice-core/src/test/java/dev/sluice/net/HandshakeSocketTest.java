package dev.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plain socket under the TLS one: it keeps a plaintext fatal alert that goes by in the
 * reads during the handshake, and at the close it looks at what is already waiting. A close
 * is how other threads wake a blocked read, so it must never wait behind one, nor behind
 * another close.
 *
 * <p>The peer is the other end of a loopback connection; the test waits for bytes to arrive by
 * watching the client's receive queue ({@code available()}) and for threads to block by
 * watching their state, never by sleeping. Every wait has a generous deadline that only stops
 * a hang.
 */
class HandshakeSocketTest {
    /** How long a wait may last before the test calls it a hang. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);
    /** A TLS 1.2 alert record: type 21, version 3.3, length 2, then level 2 (fatal), description 40. */
    private static final byte[] FATAL_ALERT = {21, 3, 3, 0, 2, 2, 40};
    private static final int HANDSHAKE_FAILURE = 40;
    /** Socket buffer size in bytes, small so that a write the peer does not read soon blocks. */
    private static final int SMALL_BUFFER_BYTES = 8 * 1024;
    /** A write of this many bytes cannot end while the peer reads nothing. */
    private static final int UNSENDABLE_BYTES = 8 * 1024 * 1024;

    private ServerSocketChannel server;
    /** The client's end, under the socket tested. */
    private SocketChannel channel;
    /** The server's end. */
    private SocketChannel peer;
    private HandshakeSocket socket;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_RCVBUF, SMALL_BUFFER_BYTES);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SMALL_BUFFER_BYTES);
        channel.connect(server.getLocalAddress());
        peer = server.accept();
        socket = new HandshakeSocket(channel);
    }

    @AfterEach
    void closeChannels() throws IOException {
        // Closing the channels also ends whatever a failed test left blocked.
        channel.close();
        peer.close();
        server.close();
    }

    @Test
    void skipOfANegativeCountSkipsNothing() throws Exception {
        sendAndAwait(1, 2, 3);

        assertThat(socket.getInputStream().skip(-1)).isZero();
        assertThat(socket.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);
    }

    @Test
    void skipOfZeroSkipsNothing() throws Exception {
        sendAndAwait(1, 2, 3);

        assertThat(socket.getInputStream().skip(0)).isZero();
        assertThat(socket.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);
    }

    @Test
    void aFatalAlertReadWholeIsKept() throws Exception {
        sendAndAwait(FATAL_ALERT);

        assertThat(socket.getInputStream().readNBytes(FATAL_ALERT.length)).isEqualTo(FATAL_ALERT);
        assertThat(socket.fatalAlert()).isEqualTo(HANDSHAKE_FAILURE);
    }

    @Test
    void aFatalAlertAfterAnotherRecordAndSplitOverSeveralReadsIsKept() throws Exception {
        // A handshake record whose fragment looks like the start of an alert record: it is a
        // fragment, not a header, and must not be read as one.
        sendAndAwait(22, 3, 3, 0, 4, 21, 3, 3, 0);
        sendAndAwait(FATAL_ALERT);
        InputStream in = socket.getInputStream();

        for (int piece : new int[] {2, 5, 1, 3, 1, 2, 2}) {
            assertThat(in.readNBytes(piece)).hasSize(piece);
        }
        assertThat(socket.fatalAlert()).isEqualTo(HANDSHAKE_FAILURE);
    }

    @Test
    void aFatalAlertReadByteByByteIsKept() throws Exception {
        sendAndAwait(FATAL_ALERT);
        InputStream in = socket.getInputStream();

        for (byte expected : FATAL_ALERT) {
            assertThat(in.read()).isEqualTo(expected & 0xFF);
        }
        assertThat(socket.fatalAlert()).isEqualTo(HANDSHAKE_FAILURE);
    }

    @Test
    void aWarningAlertIsNotKept() throws Exception {
        sendAndAwait(21, 3, 3, 0, 2, 1, 0); // close_notify, level 1 (warning)

        assertThat(socket.getInputStream().readNBytes(7)).hasSize(7);
        assertThat(socket.fatalAlert()).isEqualTo(-1);
    }

    @Test
    void afterTheHandshakeRecordsAreNotWatched() throws Exception {
        socket.handshakeDone();
        sendAndAwait(FATAL_ALERT);

        assertThat(socket.getInputStream().readNBytes(FATAL_ALERT.length)).isEqualTo(FATAL_ALERT);
        socket.close();
        assertThat(socket.fatalAlert()).isEqualTo(-1);
    }

    @Test
    void aCloseRecordsAnAlertAlreadyWaitingInTheReceiveQueue() throws Exception {
        sendAndAwait(FATAL_ALERT);

        socket.close();

        assertThat(socket.fatalAlert()).isEqualTo(HANDSHAKE_FAILURE);
        assertThat(socket.isClosed()).isTrue();
    }

    @Test
    void aCloseRecordsTheRestOfAnAlertPartlyRead() throws Exception {
        sendAndAwait(FATAL_ALERT);
        assertThat(socket.getInputStream().readNBytes(3)).hasSize(3);

        socket.close();

        assertThat(socket.fatalAlert()).isEqualTo(HANDSHAKE_FAILURE);
    }

    @Test
    void closeWhileAReadBlocksReturnsAndTheReadEnds() throws Exception {
        Started<String> read = start(Thread.ofVirtual(), () -> readOnce(socket.getInputStream()));
        awaitWaiting(read.thread());

        start(Thread.ofPlatform().daemon(), this::closeSocket).await("close()");

        assertThat(read.await("the read")).isIn("end", "failed");
        assertThat(socket.isClosed()).isTrue();
    }

    /**
     * Bytes wait while the channel's read lock is held and a read is blocked: a reader that
     * arriving bytes have woken holds the lock so for a moment. A close that read them itself
     * would wait behind that reader, then block for bytes the reader took.
     */
    @Test
    void closeWhileAReadWaitsBehindTheChannelsReadLockWithBytesWaitingReturns() throws Exception {
        holdReadLockWithAlertWaiting();
        Started<String> read = start(Thread.ofPlatform().daemon(), () -> readOnce(socket.getInputStream()));
        awaitWaiting(read.thread());

        start(Thread.ofPlatform().daemon(), this::closeSocket).await("close()");

        assertThat(read.await("the read")).isIn("end", "failed");
    }

    @Test
    void closeTwiceReturns() throws Exception {
        socket.close();
        socket.close();

        assertThat(socket.isClosed()).isTrue();
    }

    @Test
    void twoClosesAtOnceWhileAReadBlocksBothReturn() throws Exception {
        Started<String> read = start(Thread.ofVirtual(), () -> readOnce(socket.getInputStream()));
        awaitWaiting(read.thread());
        var go = new CountDownLatch(1);
        Callable<Void> closeOnGo = () -> {
            go.await();
            return closeSocket();
        };
        Started<Void> first = start(Thread.ofPlatform().daemon(), closeOnGo);
        Started<Void> second = start(Thread.ofPlatform().daemon(), closeOnGo);

        go.countDown();

        first.await("the first close()");
        second.await("the second close()");
        assertThat(read.await("the read")).isIn("end", "failed");
    }

    /**
     * The first close is held up reading what waits (behind the channel's read lock, which
     * another thread holds); a second close must not wait for it, and by closing the channel
     * it lets the first one end too.
     */
    @Test
    void aSecondCloseReturnsWhileTheFirstWaitsToDrainAndReleasesIt() throws Exception {
        holdReadLockWithAlertWaiting();
        Started<Void> first = start(Thread.ofPlatform().daemon(), this::closeSocket);
        awaitWaiting(first.thread());

        start(Thread.ofPlatform().daemon(), this::closeSocket).await("the second close()");

        first.await("the first close()");
        assertThat(socket.isClosed()).isTrue();
    }

    /**
     * Holds the channel's read lock with the peer's alert waiting in the receive queue, until
     * the channel is closed. A write too large for the socket buffers (the peer reads nothing)
     * holds the channel's write lock; a change of blocking mode then takes the read lock and
     * waits for the write lock. A close ends the write, and so the change.
     */
    private void holdReadLockWithAlertWaiting() throws Exception {
        start(Thread.ofPlatform().daemon(), () -> {
            channel.socket().getOutputStream().write(new byte[UNSENDABLE_BYTES]);
            return null;
        });
        awaitUntil("the write is under way", () -> available(peer) > 0);
        sendAndAwait(FATAL_ALERT);
        Started<?> modeChange = start(Thread.ofPlatform().daemon(), () -> channel.configureBlocking(false));
        awaitWaiting(modeChange.thread());
    }

    private Void closeSocket() throws IOException {
        socket.close();
        return null;
    }

    /** The peer sends {@code bytes}; returns once they are in the client's receive queue. */
    private void sendAndAwait(int... bytes) throws IOException {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        sendAndAwait(b);
    }

    private void sendAndAwait(byte[] bytes) throws IOException {
        int before = available(channel);
        peer.write(ByteBuffer.wrap(bytes));
        awaitUntil("the peer's bytes arrive", () -> available(channel) >= before + bytes.length);
    }

    /** The bytes in the receive queue of {@code end}, read past the socket tested. */
    private static int available(SocketChannel end) {
        try {
            return end.socket().getInputStream().available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One read: "end" at the end of the stream, "failed" on an I/O error. */
    private static String readOnce(InputStream in) {
        try {
            int n = in.read(new byte[64]);
            return n < 0 ? "end" : "read " + n;
        } catch (IOException e) {
            return "failed";
        }
    }

    private static void awaitWaiting(Thread thread) {
        awaitUntil(thread + " waits", () -> thread.getState() == Thread.State.WAITING);
    }

    private static void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up waiting until " + what);
            }
            Thread.onSpinWait();
        }
    }

    private static <T> Started<T> start(Thread.Builder builder, Callable<T> task) {
        var future = new FutureTask<>(task);
        return new Started<>(builder.start(future), future);
    }

    /** A task on its own thread, so that the test can see whether it blocks. */
    private record Started<T>(Thread thread, FutureTask<T> future) {
        T await(String what) throws InterruptedException, ExecutionException {
            try {
                return future.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                StackTraceElement[] where = thread.getStackTrace();
                return fail(what + " hangs, " + thread.getState() + " in "
                        + Arrays.toString(Arrays.copyOf(where, Math.min(where.length, 12))));
            }
        }
    }
}
