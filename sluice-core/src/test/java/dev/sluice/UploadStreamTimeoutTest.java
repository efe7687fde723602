package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The total timeout bounds an exchange whose thread is blocked reading the request body from
 * the caller's stream (a pipe that stays silent, as {@code sluice get -d @/dev/stdin} reads):
 * the deadline interrupts that read when the stream can be interrupted, and the send fails
 * with {@link TotalTimeoutException}, not a local I/O error, leaving the caller's thread not
 * interrupted and the connection closed. A stream that ignores interrupts keeps the thread
 * until it returns, and then fails the same way. A stream that is merely slow is sent whole.
 */
class UploadStreamTimeoutTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TOTAL = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    /** Closed after each test: they unblock a thread left reading when the test failed. */
    private final List<Closeable> cleanup = new ArrayList<>();
    /** The writing end of the named pipe {@link #open} made, which the test holds open. */
    private FileChannel fifoWriter;

    @AfterEach
    void closeStreams() throws IOException {
        for (Closeable c : cleanup) {
            c.close();
        }
    }

    enum Kind {
        PLATFORM, VIRTUAL;

        void start(Runnable task) {
            if (this == PLATFORM) {
                Thread.ofPlatform().daemon().start(task);
            } else {
                Thread.ofVirtual().start(task);
            }
        }
    }

    /** Streams that deliver no byte until the test writes one. */
    enum SilentSource {
        /** {@link PipedInputStream} whose writer never writes: an interrupt is an {@link InterruptedIOException}. */
        PIPED_STREAM,
        /** A {@link Pipe}'s source channel as a stream: an interrupt closes the channel. */
        NIO_PIPE,
        /**
         * A named pipe read through {@link FileChannel#open}: an interrupt closes the channel,
         * on a platform thread (the CLI's {@code -d @/dev/stdin}). A virtual thread's read of a
         * file channel ignores it (the JDK's {@code FileChannelImpl}: the read is not signalled).
         */
        FIFO_CHANNEL,
        /** A named pipe read through {@link Files#newInputStream}, whose channel ignores interrupts. */
        FIFO_FILES_STREAM
    }

    /** What a thread threw, and whether it was still interrupted then. */
    private record Outcome(Throwable thrown, boolean stillInterrupted) {}

    private interface Task {
        void run() throws Exception;
    }

    private static CompletableFuture<Outcome> run(Kind kind, Task task) {
        var outcome = new CompletableFuture<Outcome>();
        kind.start(() -> {
            try {
                task.run();
                outcome.complete(new Outcome(null, Thread.currentThread().isInterrupted()));
            } catch (Throwable t) {
                outcome.complete(new Outcome(t, Thread.currentThread().isInterrupted()));
            }
        });
        return outcome;
    }

    static Stream<Arguments> interruptibleSources() {
        return Stream.of(Arguments.of(SilentSource.PIPED_STREAM, Kind.PLATFORM),
                Arguments.of(SilentSource.PIPED_STREAM, Kind.VIRTUAL),
                Arguments.of(SilentSource.NIO_PIPE, Kind.PLATFORM),
                Arguments.of(SilentSource.NIO_PIPE, Kind.VIRTUAL),
                Arguments.of(SilentSource.FIFO_CHANNEL, Kind.PLATFORM));
    }

    static Stream<Arguments> deafSources() {
        return Stream.of(Arguments.of(SilentSource.FIFO_CHANNEL, Kind.VIRTUAL),
                Arguments.of(SilentSource.FIFO_FILES_STREAM, Kind.PLATFORM),
                Arguments.of(SilentSource.FIFO_FILES_STREAM, Kind.VIRTUAL));
    }

    private static Consumer<ScriptedServer.Spec> awaitingTheBody(boolean knownLength) {
        // With a length (and no Expect) the body follows the head at once; a body of unknown
        // length goes chunked, as the CLI sends standard input, after the server's 100 Continue.
        return knownLength
                ? s -> s.onConnection(0, c -> c.expectRequestHead().awaitClientClose())
                : s -> s.onConnection(0, c -> c.expectRequestHead().send("HTTP/1.1 100 Continue\r\n\r\n")
                        .awaitClientClose());
    }

    private static void assertTotalTimeoutWhileSending(Outcome o, URI uri) {
        assertThat(o.thrown()).isInstanceOf(TotalTimeoutException.class)
                .hasMessageContaining(uri.toString())
                .hasMessageContaining("while sending the request");
        assertThat(o.stillInterrupted()).as("the caller's thread left interrupted").isFalse();
    }

    @ParameterizedTest
    @MethodSource("interruptibleSources")
    void aBodyStreamThatStaysSilentEndsAtTheTotalDeadline(SilentSource source, Kind kind) throws Exception {
        InputStream in = open(source);
        boolean known = source == SilentSource.PIPED_STREAM;
        try (var server = ScriptedServer.start(awaitingTheBody(known));
             Client client = Client.builder().readTimeout(WAIT).totalTimeout(TOTAL).build()) {
            URI uri = server.uri("/upload");
            RequestBody body = RequestBody.ofInputStream(in, known ? OptionalLong.of(10) : OptionalLong.empty());
            CompletableFuture<Outcome> outcome = run(kind,
                    () -> client.send(Request.newBuilder(uri).method("POST", body).build()).close());

            assertTotalTimeoutWhileSending(outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS), uri);
            server.awaitClientClose(0, WAIT);
            assertThat(client.poolState()).contains("leased=0");
            assertThat(server.failures()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("deafSources")
    void aBodyStreamThatIgnoresInterruptsFailsWithTheTotalTimeoutOnceItReturns(SilentSource source, Kind kind)
            throws Exception {
        InputStream in = open(source);
        try (var server = ScriptedServer.start(awaitingTheBody(false));
             Client client = Client.builder().readTimeout(WAIT).totalTimeout(TOTAL).build()) {
            URI uri = server.uri("/upload");
            RequestBody body = RequestBody.ofInputStream(in, OptionalLong.empty());
            CompletableFuture<Outcome> outcome = run(kind,
                    () -> client.send(Request.newBuilder(uri).method("POST", body).build()).close());

            // The deadline closes the connection while the thread still waits in the stream;
            // the stream's next byte lets it go, and the write of that byte fails.
            server.awaitClientClose(0, WAIT);
            fifoWriter.write(ByteBuffer.wrap(new byte[] {'x'}));
            assertTotalTimeoutWhileSending(outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS), uri);
            assertThat(client.poolState()).contains("leased=0");
            assertThat(server.failures()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBodyStreamThatIsSlowButWithinTheTotalDeadlineIsSentWhole(Kind kind) throws Exception {
        int pieces = 20;
        int pieceBytes = 1000;
        try (var server = ScriptedServer.start(s -> s.onConnection(0, c -> c.expectRequestAfterContinue()
                .send(Responses.ok("done"))));
             // The total timeout is set, so the guard is armed while the thread waits in the stream.
             Client client = Client.builder().readTimeout(WAIT).totalTimeout(WAIT.multipliedBy(3)).build()) {
            URI uri = server.uri("/upload");
            var in = new HandOffStream();
            // Each piece waits for the sender to come back for more: every read blocks first.
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < pieces; i++) {
                    in.hand(PatternBytes.bytes(i * (long) pieceBytes, pieceBytes));
                }
                in.hand(new byte[0]);
            });
            CompletableFuture<Outcome> outcome = run(kind, () -> {
                try (Response r = client.send(Request.newBuilder(uri)
                        .method("POST", RequestBody.ofInputStream(in, OptionalLong.empty())).build())) {
                    assertThat(r.body().text()).isEqualTo("done");
                }
            });

            Outcome o = outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(o.thrown()).isNull();
            assertThat(o.stillInterrupted()).isFalse();
            byte[] received = server.awaitRequests(1, WAIT).getFirst().body();
            assertThat(received).isEqualTo(PatternBytes.bytes(0, pieces * pieceBytes));
            assertThat(client.poolState()).contains("leased=0", "idle=1");
        }
    }

    private InputStream open(SilentSource source) throws IOException, InterruptedException {
        switch (source) {
            case PIPED_STREAM -> {
                var in = new PipedInputStream();
                var out = new PipedOutputStream(in);
                cleanup.add(out);
                cleanup.add(in);
                return in;
            }
            case NIO_PIPE -> {
                Pipe pipe = Pipe.open();
                cleanup.add(pipe.sink());
                cleanup.add(pipe.source());
                return Channels.newInputStream(pipe.source());
            }
            case FIFO_CHANNEL, FIFO_FILES_STREAM -> {
                assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "named pipes as on Linux");
                Path fifo = dir.resolve("body.fifo");
                Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
                assumeTrue(mkfifo.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && mkfifo.exitValue() == 0,
                        "mkfifo works");
                // Opened for reading and writing, which Linux allows without a reader, the writer
                // end exists: the read below then blocks instead of seeing the end of the stream.
                fifoWriter = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
                cleanup.add(fifoWriter);
                InputStream in = source == SilentSource.FIFO_CHANNEL
                        ? Channels.newInputStream(FileChannel.open(fifo, StandardOpenOption.READ))
                        : Files.newInputStream(fifo);
                cleanup.add(in);
                return in;
            }
        }
        throw new AssertionError(source);
    }

    /** Hands each piece to the reader when it asks; an empty piece ends the stream. Interruptible. */
    private static final class HandOffStream extends InputStream {
        private final SynchronousQueue<byte[]> queue = new SynchronousQueue<>();
        private boolean ended;

        void hand(byte[] piece) {
            try {
                queue.put(piece);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the writer reads in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            byte[] piece;
            try {
                piece = queue.take();
            } catch (InterruptedException e) {
                throw new InterruptedIOException("interrupted while waiting for a piece");
            }
            if (piece.length == 0) {
                ended = true;
                return -1;
            }
            if (piece.length > len) {
                throw new AssertionError("a piece larger than the read: " + piece.length + " > " + len);
            }
            System.arraycopy(piece, 0, b, off, piece.length);
            return piece.length;
        }
    }
}
