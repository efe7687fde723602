package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A byte-order mark at the start of a body chooses its charset and is not part of its text,
 * in text() and lines(), sync and async, as the WHATWG decode algorithm and OkHttp's string()
 * have it: with charset=utf-8 the first line began with U+FEFF, and a UTF-16LE body with a mark
 * and no charset was read as UTF-8.
 */
class ByteOrderMarkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TEXT = "caf\u00e9 \u20ac\r\nsecond line\nthird";
    private static final List<String> LINES = List.of("caf\u00e9 \u20ac", "second line", "third");
    private static final byte[] UTF8_BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    private static final byte[] UTF16BE_BOM = {(byte) 0xfe, (byte) 0xff};
    private static final byte[] UTF16LE_BOM = {(byte) 0xff, (byte) 0xfe};

    private Client client;

    @BeforeEach
    void newClient() {
        client = Client.builder().readTimeout(WAIT).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** A body with a mark, and the Content-Type it comes with (which a mark overrides). */
    static Stream<Arguments> markedBodies() {
        return Stream.of(
                Arguments.of("UTF-8 mark, charset=utf-8", concat(UTF8_BOM, TEXT.getBytes(StandardCharsets.UTF_8)),
                        "text/plain; charset=utf-8"),
                Arguments.of("UTF-8 mark, charset=iso-8859-1", concat(UTF8_BOM, TEXT.getBytes(StandardCharsets.UTF_8)),
                        "text/plain; charset=iso-8859-1"),
                Arguments.of("UTF-16LE mark, no charset", concat(UTF16LE_BOM, TEXT.getBytes(StandardCharsets.UTF_16LE)),
                        "text/plain"),
                Arguments.of("UTF-16BE mark, no charset", concat(UTF16BE_BOM, TEXT.getBytes(StandardCharsets.UTF_16BE)),
                        "text/plain"),
                Arguments.of("UTF-16LE mark, charset=utf-8", concat(UTF16LE_BOM, TEXT.getBytes(StandardCharsets.UTF_16LE)),
                        "text/plain; charset=utf-8"));
    }

    private static ScriptedServer serve(byte[] body, String contentType) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r
                .send(Responses.head(200, "Content-Type: " + contentType, "Content-Length: " + body.length)).send(body)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("markedBodies")
    void textDropsTheMarkAndDecodesInItsCharset(String what, byte[] body, String contentType) throws Exception {
        try (var server = serve(body, contentType)) {
            try (Response r = client.send(Request.get(server.uri("/t")))) {
                assertThat(r.body().text()).as(what).isEqualTo(TEXT);
            }
            try (Response r = client.send(Request.get(server.uri("/t")))) {
                assertThat(r.body().text(1 << 20)).as(what).isEqualTo(TEXT);
            }
            Response r = client.sendAsync(Request.get(server.uri("/async"))).get();
            assertThat(r.body().async().text()).as(what).succeedsWithin(WAIT).isEqualTo(TEXT);
            r.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("markedBodies")
    void linesDropTheMarkAndDecodeInItsCharset(String what, byte[] body, String contentType) throws Exception {
        try (var server = serve(body, contentType)) {
            try (Response r = client.send(Request.get(server.uri("/l")));
                 Stream<String> lines = r.body().lines()) {
                assertThat(lines.toList()).as(what).isEqualTo(LINES);
            }
            Response r = client.sendAsync(Request.get(server.uri("/async"))).get();
            assertThat(asyncLines(r)).as(what).succeedsWithin(WAIT).isEqualTo(LINES);
            r.close();
        }
    }

    private static CompletableFuture<List<String>> asyncLines(Response r) {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        r.body().async().lines().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                lines.add(line);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(List.copyOf(lines));
            }
        });
        return done;
    }

    @Test
    void aBodyThatIsOnlyAMarkIsEmptyText() throws Exception {
        try (var server = serve(UTF8_BOM, "text/plain")) {
            try (Response r = client.send(Request.get(server.uri("/t")))) {
                assertThat(r.body().text()).isEmpty();
            }
            try (Response r = client.send(Request.get(server.uri("/l")));
                 Stream<String> lines = r.body().lines()) {
                assertThat(lines).isEmpty();
            }
        }
    }

    @Test
    void bytesThatOnlyBeginLikeAMarkAreText() throws Exception {
        Charset latin1 = StandardCharsets.ISO_8859_1;
        for (String text : new String[] {"\u00ef\u00bb", "\u00ff", "\u00fe\u00fe\n\u00ff\u00fe", "\u00ef\u00bb\u00be!"}) {
            try (var server = serve(text.getBytes(latin1), "text/plain; charset=iso-8859-1")) {
                try (Response r = client.send(Request.get(server.uri("/t")))) {
                    assertThat(r.body().text()).isEqualTo(text);
                }
                try (Response r = client.send(Request.get(server.uri("/l")));
                     Stream<String> lines = r.body().lines()) {
                    assertThat(lines.toList()).isEqualTo(text.lines().toList());
                }
            }
        }
    }

    @Test
    void aMarkElsewhereThanTheStartIsKept() throws Exception {
        byte[] body = concat("a".getBytes(StandardCharsets.UTF_8), UTF8_BOM);
        try (var server = serve(body, "text/plain; charset=utf-8");
             Response r = client.send(Request.get(server.uri("/t")))) {
            assertThat(r.body().text()).isEqualTo("a\ufeff");
        }
    }

    @Test
    void theFirstLineAfterAMarkComesBeforeTheRestOfTheBody() throws Exception {
        // A stalled body: the mark is looked for without waiting for more than it.
        // A Latin-1 "\u00ef" is EF, which could begin UTF-8's mark until the next byte says not.
        for (byte[] start : new byte[][] {concat(UTF8_BOM, "one\n".getBytes(StandardCharsets.UTF_8)),
                "\u00ff\n".getBytes(StandardCharsets.ISO_8859_1), "\u00ef\n".getBytes(StandardCharsets.ISO_8859_1)}) {
            try (var server = ScriptedServer.start(s -> s.onEveryConnection(c -> c.expectRequest()
                    .send(Responses.head(200, "Content-Type: text/plain; charset=iso-8859-1", "Transfer-Encoding: chunked"))
                    .send(Integer.toHexString(start.length) + "\r\n").send(start).send("\r\n")
                    .stallUntil("rest").send("4\r\ntwo\n\r\n0\r\n\r\n")));
                 Response r = client.send(Request.get(server.uri("/slow")));
                 Stream<String> lines = r.body().lines()) {
                Iterator<String> it = lines.iterator();
                // Off this thread: a splitter that waited for more bytes would wait for ever here.
                CompletableFuture<String> first = CompletableFuture.supplyAsync(it::next);
                try {
                    assertThat(first).succeedsWithin(Duration.ofSeconds(10)).isIn("one", "\u00ff", "\u00ef");
                } finally {
                    server.release("rest");
                }
                assertThat(it.next()).isEqualTo("two");
                assertThat(it.hasNext()).isFalse();
            }
        }
    }
}
