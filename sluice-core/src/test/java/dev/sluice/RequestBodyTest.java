package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.PatternBytes;
import dev.sluice.testkit.RecordedRequest;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a request sends, as the server reads it: framing, bodies of every kind, and headers that cannot be sent. */
class RequestBodyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Client client;
    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        client = Client.builder().readTimeout(WAIT).build();
        server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(
                Responses.ok(req.method() + " " + req.body().length))));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private RecordedRequest sendAndRecord(Request request) throws IOException {
        int before = server.requests().size();
        try (Response r = client.send(request)) {
            assertThat(r.body().text()).startsWith(request.method() + " ");
        }
        return server.awaitRequests(before + 1, WAIT).get(before);
    }

    @Test
    void bytesGoOutWithContentLength() throws IOException {
        byte[] body = PatternBytes.bytes(0, 100_000);
        RecordedRequest req = sendAndRecord(Request.post(server.uri("/bytes").toString(),
                RequestBody.ofBytes(body, "application/octet-stream")));
        assertThat(req.header("Content-Length")).isEqualTo("100000");
        assertThat(req.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(req.header("Transfer-Encoding")).isNull();
        assertThat(req.body()).isEqualTo(body);
    }

    @Test
    void aSmallBodyAndAStringGoOutWithTheirContentType() throws IOException {
        RecordedRequest req = sendAndRecord(Request.post(server.uri("/s").toString(), RequestBody.ofString("h\u00e9llo")));
        assertThat(req.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(req.header("Content-Length")).isEqualTo("6");
        assertThat(req.bodyText()).isEqualTo("h\u00e9llo");
    }

    @Test
    void aUserContentTypeWinsAndUserFramingHeadersAreIgnored() throws IOException {
        RecordedRequest req = sendAndRecord(Request.newBuilder(server.uri("/u"))
                .header("Content-Type", "application/json")
                .header("Content-Length", "999")
                .header("Transfer-Encoding", "chunked")
                .post(RequestBody.ofString("{}"))
                .build());
        assertThat(req.headerValues("Content-Type")).containsExactly("application/json");
        assertThat(req.headerValues("Content-Length")).containsExactly("2");
        assertThat(req.header("Transfer-Encoding")).isNull();
        assertThat(req.bodyText()).isEqualTo("{}");
    }

    @Test
    void aPostWithoutBodySendsContentLengthZero() throws IOException {
        RecordedRequest req = sendAndRecord(Request.newBuilder(server.uri("/empty")).method("POST", null).build());
        assertThat(req.header("Content-Length")).isEqualTo("0");
    }

    @Test
    void aGetSendsNoFramingAndTheDefaultHeaders() throws IOException {
        RecordedRequest req = sendAndRecord(Request.get(server.uri("/g?q=a%20b")));
        assertThat(req.target()).isEqualTo("/g?q=a%20b");
        assertThat(req.header("Host")).isEqualTo("127.0.0.1:" + server.port());
        assertThat(req.header("User-Agent")).startsWith("sluice/");
        assertThat(req.header("Accept")).isEqualTo("*/*");
        assertThat(req.header("Content-Length")).isNull();
        assertThat(req.header("Transfer-Encoding")).isNull();
    }

    @Test
    void aLargeFileIsSentWhole() throws IOException {
        long size = 24L << 20;
        Path file = PatternBytes.writeFile(dir.resolve("upload.bin"), size);
        RecordedRequest req = sendAndRecord(Request.put(server.uri("/file").toString(), RequestBody.ofPath(file)));
        assertThat(req.header("Content-Length")).isEqualTo(Long.toString(size));
        assertThat(req.body()).hasSize((int) size);
        PatternBytes.verify(req.body(), 0, req.body().length, 0);
    }

    @Test
    void aFileIsSentWholeOverTls() throws IOException {
        long size = 3L << 20;
        Path file = PatternBytes.writeFile(dir.resolve("upload.bin"), size);
        TestCertificates certs = TestCertificates.shared();
        try (var tls = ScriptedServer.startTls(certs.serverContext(), s -> s.onEveryRequest((req, r) -> r.send(
                Responses.ok("got " + req.body().length))));
             Client tlsClient = Client.builder().sslContext(certs.clientContext()).build();
             Response r = tlsClient.send(Request.put(tls.uri("/file").toString(), RequestBody.ofPath(file)))) {
            assertThat(r.body().text()).isEqualTo("got " + size);
            byte[] body = tls.awaitRequests(1, WAIT).getFirst().body();
            PatternBytes.verify(body, 0, body.length, 0);
        }
    }

    @Test
    void aStreamOfUnknownLengthIsSentChunked() throws IOException {
        byte[] body = PatternBytes.bytes(0, 300_000);
        RecordedRequest req = sendAndRecord(Request.post(server.uri("/stream").toString(),
                RequestBody.ofInputStream(new ByteArrayInputStream(body), OptionalLong.empty())));
        assertThat(req.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(req.header("Content-Length")).isNull();
        assertThat(req.body()).isEqualTo(body);
    }

    @Test
    void anEmptyStreamOfUnknownLengthIsSentAsTheLastChunkOnly() throws IOException {
        RecordedRequest req = sendAndRecord(Request.post(server.uri("/nothing").toString(),
                RequestBody.ofInputStream(InputStream.nullInputStream(), OptionalLong.empty())));
        assertThat(req.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(req.body()).isEmpty();
    }

    @Test
    void aStreamOfKnownLengthIsSentWithContentLength() throws IOException {
        byte[] body = "known length".getBytes(StandardCharsets.US_ASCII);
        RecordedRequest req = sendAndRecord(Request.post(server.uri("/known").toString(),
                RequestBody.ofInputStream(new ByteArrayInputStream(body), OptionalLong.of(body.length))));
        assertThat(req.header("Content-Length")).isEqualTo(Integer.toString(body.length));
        assertThat(req.body()).isEqualTo(body);
    }

    @Test
    void aStreamLongerThanItsDeclaredLengthGivesThatManyBytesAndKeepsTheRest() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream("sent|kept".getBytes(StandardCharsets.US_ASCII));
        RecordedRequest req = sendAndRecord(Request.post(server.uri("/longer").toString(),
                RequestBody.ofInputStream(in, OptionalLong.of(4))));
        assertThat(req.header("Content-Length")).isEqualTo("4");
        assertThat(req.bodyText()).isEqualTo("sent");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("|kept");
    }

    @Test
    void aStreamShorterThanItsDeclaredLengthIsALocalError() throws IOException {
        // Its own server: the cut request is what this test makes, not a failure of the server.
        try (var cutServer = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead().stallUntil("never")))) {
            assertThatThrownBy(() -> client.send(Request.post(cutServer.uri("/short").toString(),
                    RequestBody.ofInputStream(new ByteArrayInputStream(new byte[3]), OptionalLong.of(10)))))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(SluiceException.class)
                    .hasMessageContaining(cutServer.uri("/short").toString())
                    .hasMessageContaining("ended 7 bytes before its declared length 10");
        }
    }

    @Test
    void aStreamThatCannotBeReadIsALocalErrorAndFreesTheConnection() throws IOException {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk gone");
            }
        };
        // The failing request on a server of its own (its cut body is what this test makes);
        // the next one, to the usual server, needs the one connection the client may open.
        try (Client one = Client.builder().readTimeout(WAIT).maxConnections(1).build();
             var cutServer = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead().stallUntil("never")))) {
            String url = cutServer.uri("/failing").toString();

            assertThatThrownBy(() -> one.send(Request.post(url, RequestBody.ofInputStream(failing, OptionalLong.empty()))))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(SluiceException.class)
                    .hasMessage(url + ": cannot read request body stream: disk gone")
                    .hasRootCauseMessage("disk gone");
            try (Response r = one.send(Request.get(server.uri("/after").toString()))) {
                assertThat(r.body().text()).isEqualTo("GET 0");
            }
        }
    }

    @Test
    void aBodyFileThatCannotBeOpenedFailsBeforeAnyByteIsSent() throws IOException {
        Path file = java.nio.file.Files.write(dir.resolve("gone.bin"), new byte[10]);
        RequestBody body = RequestBody.ofPath(file);
        java.nio.file.Files.delete(file);
        String url = server.uri("/gone").toString();
        int before = server.requests().size();

        assertThatThrownBy(() -> client.send(Request.post(url, body)))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(SluiceException.class)
                .hasMessage(url + ": cannot read request body file " + file + ": no such file or directory");
        assertThat(server.requests()).hasSize(before);
    }

    @Test
    void aHeaderValueWithCrLfIsRejectedWhenTheRequestIsBuilt() throws IOException {
        var b = Request.newBuilder(server.uri("/inject"));
        assertThatThrownBy(() -> b.header("X-Evil", "a\r\nX-Injected: yes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X-Evil").hasMessageContaining("CR");
        assertThatThrownBy(() -> b.header("X-Evil", "a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LF");
        assertThatThrownBy(() -> b.setHeader("X Evil:", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header name");
        // A valid request now must be the server's first connection and first request.
        RecordedRequest req = sendAndRecord(Request.get(server.uri("/valid")));
        assertThat(req.index()).isZero();
        assertThat(req.connectionIndex()).isZero();
        assertThat(req.header("X-Injected")).isNull();
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void aRequestLineInjectionIsRejectedByTheAsyncApiToo() throws Exception {
        Request injected = Request.newBuilder(server.uri("/inject")).method("GET /evil HTTP/1.1\r\nX:", null).build();
        assertThat(client.sendAsync(injected))
                .failsWithin(WAIT)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(IllegalArgumentException.class);
        assertThat(sendAndRecord(Request.get(server.uri("/valid"))).index()).isZero();
    }

    @Test
    void aUrlWhosePathOrPortCannotBeSentIsRejectedWhenTheRequestIsBuilt() {
        assertThatThrownBy(() -> Request.get("http://127.0.0.1:99999/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> Request.get("http://127.0.0.1/caf\u00e9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-ASCII");
    }

    @Test
    void aMethodWithASpaceIsRejected() {
        Request bad = Request.newBuilder(server.uri("/m")).method("GET /evil HTTP/1.1\r\nX:", null).build();
        assertThatThrownBy(() -> client.send(bad)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A server that answers 413 to the head of an upload and closes without reading its body. */
    private static ScriptedServer refusingUploads() throws IOException {
        return ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead()
                .send(Responses.status(413, "too large", "Connection: close")).close()));
    }

    @Test
    void anAnswerThatComesBeforeALargeFileBodyIsSentWholeIsTheResponse() throws IOException {
        Path big = dir.resolve("big.bin");
        try (var file = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(64L << 20); // larger than any socket buffers, sparse on disk
        }
        try (var refusing = refusingUploads();
             Response r = client.send(Request.newBuilder(refusing.uri("/upload").toString())
                     .method("PUT", RequestBody.ofPath(big)).build())) {
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body().text()).isEqualTo("too large");
            assertThatThrownBy(r::raiseForStatus).isInstanceOf(HttpStatusException.class);
        }
    }

    @Test
    void anAnswerThatComesBeforeAStreamedBodyIsSentWholeIsTheResponse() throws IOException {
        long length = 64L << 20;
        InputStream zeros = new InputStream() {
            private long left = length;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
        try (var refusing = refusingUploads();
             Response r = client.send(Request.newBuilder(refusing.uri("/upload").toString())
                     .method("POST", RequestBody.ofInputStream(zeros, OptionalLong.of(length))).build())) {
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body().text()).isEqualTo("too large");
            assertThat(client.poolState()).contains("leased=0", "idle=0");
        }
    }

    @Test
    void aFileBodyThatShrinksBeforeItIsSentIsALocalFailureNotAWaitForTheServer() throws IOException {
        Path file = dir.resolve("shrinks.bin");
        java.nio.file.Files.write(file, new byte[2 << 20]);
        try (var silent = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead().stallUntil("never").close()))) {
            Request request = Request.newBuilder(silent.uri("/shrinks").toString())
                    .method("PUT", RequestBody.ofPath(file)).build(); // its length is taken now
            try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(1 << 20);
            }
            // The server waits for the rest of the body and would answer only at its own timeout.
            assertThatThrownBy(() -> client.send(request))
                    .isNotInstanceOf(SluiceException.class)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("/shrinks")
                    .hasMessageContaining("ended early");
            silent.release("never");
        }
    }

    @Test
    void aWriteThatFailsWithoutAnAnswerIsReportedAsSending() {
        try (var resetting = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequestHead().reset()))) {
            // Without the 100-continue wait (an empty Expect), so that the body's write is what fails.
            assertThatThrownBy(() -> client.send(Request.newBuilder(resetting.uri("/up").toString()).header("Expect", "")
                    .method("PUT", RequestBody.ofBytes(new byte[16 << 20])).build()))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageContaining("sending the request");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aNegativeStreamLengthIsRefusedWhenTheBodyIsMade() {
        // It would go out as "Content-Length: -1", which no server can read.
        InputStream in = new ByteArrayInputStream(new byte[3]);
        assertThatThrownBy(() -> RequestBody.ofInputStream(in, OptionalLong.of(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new RequestBody.OfPath(dir.resolve("f"), -5, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestBody.OfStream(in, null, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RequestBody.OfBytes(null, null))
                .isInstanceOf(NullPointerException.class);
        assertThat(RequestBody.ofInputStream(in, OptionalLong.of(0)).length()).hasValue(0);
    }

    @Test
    void aRequestTimeoutOfZeroOrLessIsRefusedBeforeAnythingIsSent() {
        // The client refuses such a total timeout too; accepted here, the request went out and
        // then failed, after the server may have acted on it.
        Request.Builder b = Request.newBuilder(server.uri("/t").toString());
        assertThatThrownBy(() -> b.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.timeout(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.timeout(null).build().timeout()).isEmpty();
        assertThat(b.timeout(Duration.ofSeconds(1)).build().timeout()).hasValue(Duration.ofSeconds(1));
    }

    @Test
    void aHundredContinueExpectationWithoutABodyIsNotSent() throws IOException {
        // RFC 9110 §10.1.1: a client must not send it without content; the server would wait
        // for a body that never comes, or answer 100 for nothing.
        RecordedRequest req = sendAndRecord(Request.newBuilder(server.uri("/get").toString())
                .header("Expect", "100-continue").build());
        assertThat(req.header("Expect")).isNull();
        RecordedRequest empty = sendAndRecord(Request.newBuilder(server.uri("/empty").toString())
                .header("Expect", "100-continue").method("POST", RequestBody.ofString("")).build());
        assertThat(empty.header("Expect")).isNull();
    }

    @Test
    void aTeFieldIsNamedInConnection() throws IOException {
        // RFC 9110 §10.1.4: TE is hop-by-hop; its sender lists it in Connection.
        RecordedRequest req = sendAndRecord(Request.newBuilder(server.uri("/te").toString())
                .header("TE", "trailers").build());
        assertThat(req.header("TE")).isEqualTo("trailers");
        assertThat(req.header("Connection")).isEqualToIgnoringCase("TE");
        RecordedRequest named = sendAndRecord(Request.newBuilder(server.uri("/te").toString())
                .header("TE", "trailers").header("Connection", "te").build());
        assertThat(named.headerValues("Connection")).containsExactly("te");
        RecordedRequest joined = sendAndRecord(Request.newBuilder(server.uri("/te").toString())
                .header("TE", "trailers").header("Connection", "keep-alive").build());
        assertThat(joined.headerValues("Connection")).containsExactly("keep-alive, TE");
    }

    @Test
    void aTraceWithABodyIsRefusedWhenBuilt() {
        // RFC 9110 §9.3.8: a client must not send content in a TRACE.
        assertThatThrownBy(() -> Request.newBuilder(server.uri("/t").toString())
                .method("TRACE", RequestBody.ofString("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TRACE");
        assertThat(Request.newBuilder(server.uri("/t").toString()).method("TRACE", null).build().method())
                .isEqualTo("TRACE");
    }
}
