package dev.sluice.testkit;

import static dev.sluice.testkit.RawHttp.connect;
import static dev.sluice.testkit.RawHttp.get;
import static dev.sluice.testkit.RawHttp.readExactly;
import static dev.sluice.testkit.RawHttp.readResponse;
import static dev.sluice.testkit.RawHttp.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ScriptedServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a read must stay silent to show a stall holds; a failure shows up as data, not as time. */
    private static final int SILENCE_MILLIS = 200;

    @Test
    void requestsAreRecordedWithTheIndexOfTheConnectionThatCarriedThem() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.expectRequest().send(Responses.ok("one"))
                        .expectRequest().send(Responses.ok("two")))
                .onEveryConnection(c -> c.expectRequest().send(Responses.ok("other")).close()))) {
            try (Socket first = connect(server.port())) {
                write(first, get("/a"));
                assertThat(readResponse(first.getInputStream()).bodyText()).isEqualTo("one");
                write(first, "GET /b HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trace: 7\r\n\r\n");
                assertThat(readResponse(first.getInputStream()).bodyText()).isEqualTo("two");
                try (Socket second = connect(server.port())) {
                    write(second, get("/c"));
                    assertThat(readResponse(second.getInputStream()).bodyText()).isEqualTo("other");
                }
            }

            List<RecordedRequest> requests = server.awaitRequests(3, WAIT);
            assertThat(requests).extracting(RecordedRequest::connectionIndex).containsExactly(0, 0, 1);
            assertThat(requests).extracting(RecordedRequest::target).containsExactly("/a", "/b", "/c");
            assertThat(requests).extracting(RecordedRequest::index).containsExactly(0, 1, 2);
            RecordedRequest second = requests.get(1);
            assertThat(second.method()).isEqualTo("GET");
            assertThat(second.header("x-trace")).isEqualTo("7");
            assertThat(second.rawHead()).isEqualTo("GET /b HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trace: 7\r\n\r\n");
            assertThat(server.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void requestBodiesAreReadByContentLengthAndByChunkedCoding() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(""))));
                Socket socket = connect(server.port())) {
            write(socket, "POST /fixed HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
            readResponse(socket.getInputStream());
            write(socket, "POST /chunked HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: x\r\n\r\n");
            readResponse(socket.getInputStream());

            List<RecordedRequest> requests = server.awaitRequests(2, WAIT);
            assertThat(requests.get(0).bodyText()).isEqualTo("hello");
            assertThat(requests.get(1).bodyText()).isEqualTo("abcdefg");
            assertThat(requests).extracting(RecordedRequest::connectionIndex).containsExactly(0, 0);
        }
    }

    @Test
    void theNthRequestOverallIsAnsweredByItsOwnStepsAndTheRestByTheResponder() throws Exception {
        try (var server = ScriptedServer.start(s -> s
                .onRequest(1, r -> r.send(Responses.status(503, "busy")).close())
                .onEveryRequest((req, r) -> r.send(Responses.ok("echo " + req.target()))))) {
            try (Socket socket = connect(server.port())) {
                write(socket, get("/first"));
                assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("echo /first");
                write(socket, get("/second"));
                RawHttp.Response busy = readResponse(socket.getInputStream());
                assertThat(busy.head()).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
            try (Socket socket = connect(server.port())) {
                write(socket, get("/third"));
                assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("echo /third");
            }
            assertThat(server.awaitRequests(3, WAIT)).extracting(RecordedRequest::connectionIndex)
                    .containsExactly(0, 0, 1);
        }
    }

    @Test
    void resetMakesTheClientsNextReadFailWithConnectionReset() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c
                        .expectRequest().send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial").reset()));
                Socket socket = connect(server.port())) {
            write(socket, get("/"));
            InputStream in = socket.getInputStream();
            server.awaitConnections(1, WAIT);
            server.awaitOpenConnections(0, WAIT);

            assertThatThrownBy(() -> in.readNBytes(1000))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void aStallOnANamedGateHoldsTheRestOfTheResponseUntilReleased() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                        .send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab").stallUntil("rest").send("cd")));
                Socket socket = connect(server.port())) {
            write(socket, get("/"));
            InputStream in = socket.getInputStream();
            RawHttp.readHead(in);
            assertThat(readExactly(in, 2)).isEqualTo("ab");
            socket.setSoTimeout(SILENCE_MILLIS);
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);

            server.release("rest");
            socket.setSoTimeout(0);
            assertThat(readExactly(in, 2)).isEqualTo("cd");
        }
    }

    @Test
    void aStallOnALatchOrAFutureSendsNothingUntilTheTestCompletesIt() throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        CompletableFuture<Void> future = new CompletableFuture<>();
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                        .stallUntil(latch).send("A").stallUntil(future).send("B")));
                Socket socket = connect(server.port())) {
            write(socket, get("/"));
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(SILENCE_MILLIS);
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);

            latch.countDown();
            socket.setSoTimeout(0);
            assertThat(readExactly(in, 1)).isEqualTo("A");
            future.completeExceptionally(new IllegalStateException("any completion releases"));
            assertThat(readExactly(in, 1)).isEqualTo("B");
        }
    }

    @Test
    void bytesSentInPiecesArriveWholeAndInOrderAndEachPieceIsFlushedAtOnce() throws Exception {
        byte[] body = PatternBytes.bytes(0, 10_000);
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                        .sendInPieces(body, 999).sendInPieces("xyz", 1).stallUntil("never")));
                Socket socket = connect(server.port())) {
            write(socket, get("/"));
            InputStream in = socket.getInputStream();
            // Every piece must reach the wire before the stall, or these reads would block forever.
            byte[] received = in.readNBytes(body.length);
            PatternBytes.verify(received, 0, received.length, 0);
            assertThat(readExactly(in, 3)).isEqualTo("xyz");
        }
    }

    @Test
    void aPatternBodyOfThirtyTwoMebibytesStreamsWithoutBeingHeldAndVerifies() throws Exception {
        long length = 32L << 20;
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                        .send(Responses.head(200, "Content-Length: " + length)).sendPattern(length).close()));
                Socket socket = connect(server.port())) {
            write(socket, get("/big"));
            InputStream in = socket.getInputStream();
            RawHttp.readHead(in);
            assertThat(PatternBytes.verify(in, 0)).isEqualTo(length);
        }
    }

    @Test
    void aPatternSentFromAnOffsetContinuesThePatternThere() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                        .sendPattern(1_000, 5_000).close()));
                Socket socket = connect(server.port())) {
            write(socket, get("/"));
            assertThat(PatternBytes.verify(socket.getInputStream(), 1_000)).isEqualTo(5_000);
        }
    }

    @Test
    void throttledBytesArriveWhole() throws Exception {
        int length = 30_000;
        long bytesPerSecond = 100_000; // 30 kB: the last 5 kB slice is due after 250 ms
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                        .throttle(bytesPerSecond).sendPattern(length).close()));
                Socket socket = connect(server.port())) {
            write(socket, get("/"));
            assertThat(PatternBytes.verify(socket.getInputStream(), 0)).isEqualTo(length);
        }
    }

    @Test
    void halfCloseLetsTheClientReadEndOfStreamWhileItCanStillSend() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c
                        .expectRequest().send(Responses.ok("bye")).shutdownOutput()
                        .expectRequest().close()));
                Socket socket = connect(server.port())) {
            write(socket, get("/one"));
            InputStream in = socket.getInputStream();
            assertThat(readResponse(in).bodyText()).isEqualTo("bye");
            assertThat(in.read()).isEqualTo(-1);

            write(socket, get("/two"));
            assertThat(server.awaitRequests(2, WAIT)).extracting(RecordedRequest::target)
                    .containsExactly("/one", "/two");
        }
    }

    @Test
    void aClientCloseIsRecordedAndTheConnectionStopsCountingAsOpen() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c
                .expectRequest().send(Responses.ok("kept open"))))) {
            Socket socket = connect(server.port());
            write(socket, get("/"));
            readResponse(socket.getInputStream());
            assertThat(server.openConnections()).isEqualTo(1);
            assertThat(server.clientClosed(0)).isFalse();

            socket.close();
            server.awaitClientClose(0, WAIT);
            server.awaitOpenConnections(0, WAIT);
            assertThat(server.clientClosed(0)).isTrue();
        }
    }

    @Test
    void awaitClientCloseStepSeesTheClientGoAfterTheResponse() throws Exception {
        try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c
                .expectRequest().send(Responses.ok("x")).awaitClientClose().send("never read").close()))) {
            try (Socket socket = connect(server.port())) {
                write(socket, get("/"));
                readResponse(socket.getInputStream());
            }
            server.awaitClientClose(0, WAIT);
            server.awaitOpenConnections(0, WAIT);
            assertThat(server.failures()).isEmpty();
        }
    }

    @Test
    void aRequestWithNoStepsIsAFailureThatCloseRethrows() throws Exception {
        var server = ScriptedServer.start(s -> s.onRequest(5, r -> r.send(Responses.ok("late"))));
        try (Socket socket = connect(server.port())) {
            write(socket, get("/unexpected"));
            // The server ends a failed connection only after keeping the failure.
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(server.failures()).singleElement().asString().contains("no steps for request 0");
        assertThatThrownBy(server::close)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /unexpected");
    }

    @Test
    void aMalformedRequestFailsAnyWaitAtOnceInsteadOfTimingOut() throws Exception {
        var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().close()));
        try (Socket socket = connect(server.port())) {
            write(socket, "GET/nospace\r\n\r\n");
            assertThatThrownBy(() -> server.awaitRequests(1, Duration.ofMinutes(5)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("malformed request line");
        }
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class);
    }

    @Test
    void anExpectedRequestThatNeverComesIsAFailure() throws Exception {
        var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest().close()));
        connect(server.port()).close();
        assertThat(server.awaitFailure(WAIT)).hasMessageContaining("connection 0")
                .hasMessageContaining("expected a request, but the client closed");
        assertThat(server.failures()).hasSize(1);
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class);
    }

    @Test
    void closeEndsStalledConnectionsPromptlyWithoutReportingThemAsFailures() throws Exception {
        CompletableFuture<Void> never = new CompletableFuture<>();
        var server = ScriptedServer.start(s -> s
                .onConnection(0, c -> c.stallUntil("never").close())
                .onConnection(1, c -> c.stallUntil(never).close())
                .onConnection(2, c -> c.stallUntil(new CountDownLatch(1)).close()));
        Socket[] sockets = {connect(server.port()), connect(server.port()), connect(server.port())};
        server.awaitConnections(3, WAIT);

        server.close(); // interrupts every stall, so every connection is closed below
        for (Socket socket : sockets) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            socket.close();
        }
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void uriNamesTheLoopbackAddressAndThePort() throws Exception {
        try (var server = ScriptedServer.start(s -> {})) {
            assertThat(server.uri("/a?b=c").toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/a?b=c");
        }
    }
}
