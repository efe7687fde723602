package dev.sluice;

import dev.sluice.codec.BodyFraming;
import dev.sluice.codec.DecoderEvent;
import dev.sluice.codec.Field;
import dev.sluice.codec.FieldLists;
import dev.sluice.codec.Limits;
import dev.sluice.codec.MediaTypes;
import dev.sluice.codec.RequestEncoder;
import dev.sluice.engine.ContentDecoding;
import dev.sluice.engine.Exchange;
import dev.sluice.engine.Redirects;
import dev.sluice.engine.Timeouts;
import dev.sluice.engine.TlsContexts;
import dev.sluice.net.BufferPool;
import dev.sluice.net.ConnectionPool;
import dev.sluice.net.Origin;
import dev.sluice.net.Reuse;
import dev.sluice.net.SocketConnector;
import dev.sluice.net.Watchdog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 client with a pool of keep-alive connections. Immutable and thread-safe: make
 * one, share it, close it at the end.
 *
 * <pre>{@code
 * try (Client client = Client.newClient();
 *      Response r = client.send(Request.get("https://example.org/data.csv"))) {
 *     r.raiseForStatus();
 *     r.body().lines().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>{@link #send} returns as soon as the response head has arrived; the body streams as the
 * caller reads it. On a virtual thread a blocked read parks without holding a carrier thread,
 * so plain sequential code per request scales to thousands of concurrent requests.
 */
public final class Client implements AutoCloseable {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");
    private static final String DEFAULT_USER_AGENT = "sluice/0.1";
    /**
     * The fields a redirect that drops the body removes with it: those RFC 9110 §15.4 lists,
     * the digests that replaced Digest (RFC 9530), the framing, and Expect (§10.1.1: no
     * 100-continue without content).
     */
    private static final List<String> CONTENT_FIELDS = List.of("Content-Encoding", "Content-Language",
            "Content-Location", "Content-Type", "Content-Length", "Digest", "Content-Digest", "Repr-Digest",
            "Last-Modified", "Transfer-Encoding", "Expect");

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration totalTimeout;
    private final Duration poolTimeout;
    private final Duration drainWait;
    private final boolean followRedirects;
    private final int maxRedirects;
    private final boolean decompress;
    private final String userAgent;
    private final Limits limits;
    private final Watchdog watchdog = new Watchdog();
    private final ConnectionPool pool;

    private Client(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.totalTimeout = b.totalTimeout;
        this.poolTimeout = b.poolTimeout;
        this.drainWait = b.drainWait;
        this.followRedirects = b.followRedirects;
        this.maxRedirects = b.maxRedirects;
        this.decompress = b.decompress;
        this.userAgent = b.userAgent;
        this.limits = b.limits;
        SSLContext given = b.sslContext;
        boolean insecure = b.insecure;
        var connector = new SocketConnector(
                () -> insecure ? TlsContexts.trustingAll() : given != null ? given : TlsContexts.systemDefault(),
                !insecure, watchdog, new BufferPool());
        this.pool = new ConnectionPool(connector, b.maxConnections, b.maxConnectionsPerHost, b.idleTimeout.toNanos());
    }

    /** A client with the defaults of {@link Builder}. */
    public static Client newClient() {
        return builder().build();
    }

    /**
     * A builder for a client with settings other than the defaults (timeouts, pool limits,
     * redirects, TLS). Build one client and share it: it holds the connection pool.
     *
     * <pre>{@code
     * try (Client client = Client.builder()
     *         .connectTimeout(Duration.ofSeconds(5))
     *         .maxConnectionsPerHost(8)
     *         .build()) {
     *     ...
     * }
     * }</pre>
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends {@code request} and returns once the response head has arrived (following
     * redirects). The body is still on the wire: read it or close the response.
     *
     * <p>A redirect that repeats the body (307, 308, or 301/302 of a PUT, PATCH, DELETE: any
     * method but POST, GET and HEAD) cannot be followed when the body was read from a stream
     * ({@link RequestBody#ofInputStream}): the stream is spent. The redirect response itself is
     * returned then, status 307 (or whichever came) with an empty {@link Response#history()},
     * and {@link Response#raiseForStatus()} does not flag it (it is no error status); check the
     * status, or send a replayable body (bytes, a string, a file) to the Location yourself.
     * Unless the redirect answered the head alone, before any of the body was read: a stream
     * over 1 MiB or of unknown length goes with {@code Expect: 100-continue}, and a server that
     * redirects such a head (as object stores do) gets the stream, whole, at the Location.
     *
     * @throws SluiceException        typed: connect failure, timeout, protocol violation
     * @throws InterruptedIOException when the calling thread is interrupted while waiting
     * @throws IOException            (not a {@link SluiceException}) when the request body's own
     *                                file or stream cannot be read, or a stream ends before its
     *                                declared length, or a response line is longer than a read
     *                                buffer can grow to (no direct memory left): a local failure,
     *                                its message naming the URL
     * @throws IllegalArgumentException when the request cannot be sent as given (a CR or LF
     *                                in a header, an invalid method): nothing is sent then
     * @throws IllegalStateException  when this client is closed
     */
    public Response send(Request request) throws IOException {
        return send(request, null, pool.ticket());
    }

    /**
     * {@link #send(Request)}, each exchange tracked by {@code cancellation} when not null; it
     * waits for a connection at the place of {@code ticket} in the pool's line (its redirects
     * and retries too: one request, one place).
     */
    private Response send(Request request, Cancellation cancellation, long ticket) throws IOException {
        Timeouts timeouts = Timeouts.startingNow(connectTimeout, readTimeout, request.timeout().orElse(totalTimeout),
                poolTimeout, drainWait);
        List<Redirect> history = List.of();
        // Visits of each method and URL, counted once the first redirect comes.
        Map<String, Integer> visits = null;
        Request current = request;
        while (true) {
            Exchange ex = execute(current, timeouts, cancellation, ticket);
            DecoderEvent.ResponseHead head = ex.head();
            Headers headers = toHeaders(head.headers());
            Request next;
            try {
                next = followRedirects ? redirectFor(current, head.status(), headers, ex.isBodyWithheld()) : null;
                if (next == null) {
                    return newResponse(current, head, headers, history, ex);
                }
            } catch (IOException | RuntimeException e) {
                ex.abort(); // a redirect or response that cannot be made never leaves the connection leased
                throw e;
            }
            ex.close();
            if (visits == null) {
                // Only requests that redirect pay for the bookkeeping.
                visits = new HashMap<>();
                visits.put(current.method() + " " + current.uri(), 1);
                history = new ArrayList<>();
            }
            history.add(new Redirect(current.uri(), head.status(), next.uri()));
            if (history.size() > maxRedirects) {
                throw new ProtocolViolationException(request.uri(), "more than " + maxRedirects
                        + (maxRedirects == 1 ? " redirect" : " redirects") + " (last to "
                        + Redirects.excerpt(next.uri()) + ")", -1, null, head.status());
            }
            // One repeat is no loop: a server may redirect to the same URL once (to set a
            // cookie, after a rewrite) and answer the next request; curl follows it. A third
            // visit is. The redirect limit bounds whatever slips through.
            if (visits.merge(next.method() + " " + next.uri(), 1, Integer::sum) > 2) {
                throw new ProtocolViolationException(request.uri(), "redirect loop: " + Redirects.excerpt(next.uri())
                        + " was already visited twice", -1, null, head.status());
            }
            current = next;
        }
    }

    /**
     * Sends {@code request} on a virtual thread; the future completes when the response head
     * has arrived. Nothing blocks the calling thread: waiting for a pooled connection, name
     * resolution, connect, TLS and reading all happen on the virtual thread. Failures complete
     * the future exceptionally with the same types as {@link #send}. Cancelling the future
     * closes the connection at once and frees its pool slot. When the connection limits are
     * reached, requests wait for a connection in the order of their {@code sendAsync} calls,
     * as {@link Builder#maxConnections} says, and a request's redirects and retries wait again
     * at its place in that order. A free connection is not held back for an earlier call whose
     * thread has not reached the line yet. Redirects are followed as
     * {@link #send} follows them: one that would repeat a body read from a stream completes the
     * future with the redirect response itself (status 307, say, empty history), which
     * {@link Response#raiseForStatus()} does not flag.
     *
     * <pre>{@code
     * client.sendAsync(Request.get(url))
     *       .thenCompose(r -> r.body().async().text())
     *       .thenAccept(System.out::println);
     * }</pre>
     */
    public CompletableFuture<Response> sendAsync(Request request) {
        Objects.requireNonNull(request, "request");
        CompletableFuture<Response> future = new CompletableFuture<>();
        Cancellation cancellation = new Cancellation();
        // The place in line is taken here, on the caller's thread: the workers of a burst of
        // calls reach the pool in whatever order the scheduler runs them.
        long ticket = pool.ticket();
        Thread worker = Thread.ofVirtual().name("sluice-exchange").unstarted(() -> {
            try {
                Response response = send(request, cancellation, ticket);
                if (!future.complete(response)) {
                    response.close(); // cancelled meanwhile: nobody will read it
                }
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        future.whenComplete((r, e) -> {
            if (future.isCancelled()) {
                // The close first: an interrupt wakes a virtual thread blocked on a socket or in
                // the pool's queue, but not one inside the caller's body stream that ignores it.
                cancellation.cancel();
                worker.interrupt();
            }
        });
        worker.start();
        return future;
    }

    private Response newResponse(Request request, DecoderEvent.ResponseHead head, Headers headers,
                                 List<Redirect> history, Exchange ex) throws ProtocolViolationException {
        // A body empty by its framing (HEAD, 204, 304, Content-Length: 0) has nothing to decode.
        boolean empty = head.framing().isEmpty();
        List<String> transfer = null;
        if (head.framing() instanceof BodyFraming.Chunked || head.framing() instanceof BodyFraming.UntilClose) {
            try {
                transfer = ContentDecoding.transferPlan(headers.all("Transfer-Encoding"),
                        head.framing() instanceof BodyFraming.Chunked);
            } catch (IllegalArgumentException e) {
                throw new ProtocolViolationException(request.uri(), e.getMessage(), -1, null);
            }
        }
        // A 206 body is a range of the encoded form, which cannot be decoded on its own: as sent.
        List<String> content = decompress && !empty && head.status() != 206
                ? ContentDecoding.plan(headers.all("Content-Encoding")) : null;
        List<String> plan = transfer == null ? content : content == null ? transfer
                : Stream.concat(transfer.stream(), content.stream()).toList();
        OptionalLong length = head.framing() instanceof BodyFraming.FixedLength f ? OptionalLong.of(f.length())
                : head.framing() instanceof BodyFraming.None ? OptionalLong.of(0) : OptionalLong.empty();
        Body body = new Body(ex, plan, content != null, MediaTypes.charset(headers.first("Content-Type").orElse("")), length);
        return new Response(request, head.status(), head.reason(), headers, history, ex, body);
    }

    /**
     * The request a redirect leads to, or null when it is not to be followed; {@code withheld}
     * when the redirect answered the head alone (Expect: 100-continue), no byte of the body sent.
     */
    private Request redirectFor(Request current, int status, Headers headers, boolean withheld) throws SluiceException {
        if (!Redirects.isRedirect(status)) {
            return null;
        }
        List<String> locations = headers.all("Location");
        if (locations.isEmpty()) {
            return null;
        }
        String location = locations.getFirst();
        if (locations.stream().anyMatch(l -> !l.equals(location))) {
            // Location is a singleton field (RFC 9110 §10.2.2); which one the server meant is a guess.
            throw new ProtocolViolationException(current.uri(), "several different Location fields in a "
                    + status + " response: " + Redirects.excerpt(String.join(", ", locations)), -1, null, status);
        }
        URI next;
        Request.Builder b;
        try {
            next = Redirects.resolve(current.uri(), location);
            // Checked as any request URL is (credentials, the port): the server chose it.
            b = current.toBuilder().uriForRedirect(next);
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolationException(current.uri(), "invalid redirect Location \""
                    + Redirects.excerpt(location) + "\": " + Redirects.excerpt(e.getMessage()), -1, e, status);
        }
        String method = Redirects.nextMethod(current.method(), status);
        boolean keepBody = Redirects.keepsBody(current.method(), status);
        RequestBody body = current.body().orElse(null);
        if (keepBody && body != null && !body.isReplayable() && !withheld) {
            return null; // The body was consumed: the caller gets the redirect itself.
        }
        b.method(method, keepBody ? body : null);
        if (!keepBody) {
            // RFC 9110 §15.4: with the content go the fields that describe it; and §10.1.1: no
            // Expect: 100-continue without content.
            for (String name : CONTENT_FIELDS) {
                b.removeHeader(name);
            }
        }
        if (!Redirects.sameOrigin(current.uri(), next)) {
            // Credentials stay with the origin they were given for (URL user information never
            // crosses: a Location with it is refused, and only a relative one keeps the request's
            // own, on its own origin). Host names the target's authority (RFC 9110 §7.2): a
            // caller's Host was meant for the first one, as curl too assumes.
            b.removeHeader("Authorization").removeHeader("Cookie").removeHeader("Proxy-Authorization")
                    .removeHeader("Host");
        }
        return b.build();
    }

    /**
     * The exchange a {@link #sendAsync} call is running, so that cancelling its future closes
     * the connection and frees the slot at once, wherever the worker is blocked; once cancelled,
     * an exchange opened later (a redirect, a retry) is ended as soon as it is tracked.
     */
    private static final class Cancellation {
        private Exchange current;
        private boolean cancelled;

        synchronized void track(Exchange ex) throws InterruptedIOException {
            if (cancelled) {
                ex.cancel();
                throw new InterruptedIOException("the request was cancelled");
            }
            current = ex;
        }

        void cancel() {
            Exchange ex;
            synchronized (this) {
                cancelled = true;
                ex = current;
            }
            if (ex != null) {
                ex.cancel();
            }
        }
    }

    /** Runs one exchange up to the response head, with one retry on a stale pooled connection. */
    private Exchange execute(Request request, Timeouts timeouts, Cancellation cancellation, long ticket)
            throws IOException {
        List<Field> fields = requestFields(request);
        String target = Request.targetOf(request.uri());
        // Encoding first: a request that cannot be sent fails before any connection is made.
        byte[] head = RequestEncoder.encodeHead(request.method(), target, fields);
        RequestBody body = request.body().orElse(null);
        boolean expect = body != null && fields.stream()
                .anyMatch(f -> f.name().equalsIgnoreCase("Expect") && f.value().equalsIgnoreCase("100-continue"));
        // Only such a request may be sent again after an idle connection proved dead; any other
        // waits for a connection checked first.
        boolean retryable = IDEMPOTENT.contains(request.method()) && (body == null || body.isReplayable());
        boolean closes = Exchange.asksToClose(fields);
        // A body file too is opened before any connection is made; it is wholly sent by the
        // time the head has arrived, so it closes here.
        try (FileChannel bodyFile = Exchange.openBodyFile(request.uri(), body)) {
            for (int attempt = 0; ; attempt++) {
                Exchange ex = Exchange.open(pool, watchdog, request.uri(), attempt > 0 ? Reuse.NEW
                        : retryable ? Reuse.IDLE : Reuse.IDLE_CHECKED, ticket, timeouts, limits);
                if (cancellation != null) {
                    cancellation.track(ex);
                }
                try {
                    if (closes) {
                        ex.closeAfterResponse();
                    }
                    ex.writeRequest(request.method(), head, body, bodyFile, expect);
                    DecoderEvent.ResponseHead h = ex.readHead();
                    if (h.status() == 417 && expect && ex.isBodyWithheld()) {
                        // The server cannot meet the expectation: RFC 9110 §10.1.1 has the request
                        // repeated without it. Its body was not sent, so even a stream can go.
                        ex.abort();
                        fields = fields.stream().filter(f -> !f.name().equalsIgnoreCase("Expect")).toList();
                        head = RequestEncoder.encodeHead(request.method(), target, fields);
                        expect = false;
                        continue;
                    }
                    if (h.status() == 408 && attempt == 0 && retryable && ex.isReusedConnection()) {
                        // On a reused connection a 408 is most likely the server giving up on it
                        // while it was idle, sent before this request arrived; RFC 9110 §15.5.9
                        // lets the request be repeated: once, on a new connection.
                        ex.abort();
                        continue;
                    }
                    return ex;
                } catch (SluiceException e) {
                    ex.abort();
                    boolean retry = attempt == 0 && retryable && ex.isReusedConnection() && ex.receivedNothing()
                            && !(e instanceof SluiceTimeoutException);
                    if (!retry) {
                        throw e;
                    }
                } catch (RuntimeException e) {
                    ex.abort();
                    throw e;
                }
            }
        }
    }

    /**
     * Fields the client adds by default (or, for Content-Type, the body does; for Authorization,
     * the URL's user information), which a caller leaves out by setting them empty. Not Accept-Encoding: empty, it means "no content coding"
     * (RFC 9110 §12.5.3) and is sent as it is.
     */
    private static final Set<String> OMITTED_WHEN_EMPTY = Set.of("user-agent", "accept", "content-type", "expect",
            "authorization");

    /** Bodies larger than this (or of unknown length) are sent with {@code Expect: 100-continue}, as curl does. */
    static final long EXPECT_CONTINUE_AFTER_BYTES = 1L << 20;

    private List<Field> requestFields(Request request) {
        Headers user = request.headers();
        List<Field> fields = new ArrayList<>(user.size() + 6);
        RequestBody body = request.body().orElse(null);
        fields.add(new Field("Host", user.first("Host").orElse(Origin.of(request.uri()).hostHeader())));
        String userInfo = Origin.rawUserInfo(request.uri());
        if (userInfo != null && !user.contains("Authorization")) {
            fields.add(new Field("Authorization", Request.basicAuthorization(userInfo)));
        }
        if (!user.contains("User-Agent")) {
            fields.add(new Field("User-Agent", userAgent));
        }
        if (!user.contains("Accept")) {
            fields.add(new Field("Accept", "*/*"));
        }
        if (decompress && !user.contains("Accept-Encoding")) {
            fields.add(new Field("Accept-Encoding", ContentDecoding.acceptEncoding()));
        }
        for (int i = 0; i < user.size(); i++) {
            String name = user.name(i);
            if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue; // Framing is ours to state; a stale user value would desynchronise the stream.
            }
            if (user.value(i).isBlank() && OMITTED_WHEN_EMPTY.contains(name.toLowerCase(Locale.ROOT))) {
                // As curl's -H 'Name:': a field the client would add by default, set empty, is
                // left out altogether (an empty Expect also turns the 100-continue wait off).
                continue;
            }
            if ((body == null || body.length().equals(OptionalLong.of(0))) && name.equalsIgnoreCase("Expect")
                    && user.value(i).strip().equalsIgnoreCase("100-continue")) {
                continue; // RFC 9110 §10.1.1: no 100-continue expectation without content (an empty body is none)
            }
            fields.add(new Field(name, user.value(i)));
        }
        if (user.contains("TE") && !FieldLists.containsToken(fields, "Connection", "TE")) {
            // RFC 9110 §10.1.4: TE is hop-by-hop, and its sender names it in Connection, so that
            // an intermediary that does not know it drops it rather than forwards it. Joined to
            // the caller's Connection when there is one: some read only one such line.
            int at = -1;
            for (int i = 0; i < fields.size() && at < 0; i++) {
                if (fields.get(i).name().equalsIgnoreCase("Connection")) {
                    at = i;
                }
            }
            if (at < 0) {
                fields.add(new Field("Connection", "TE"));
            } else {
                Field given = fields.get(at);
                fields.set(at, new Field(given.name(), given.value() + ", TE"));
            }
        }
        if (body != null) {
            if (!user.contains("Content-Type")) {
                body.contentType().ifPresent(t -> fields.add(new Field("Content-Type", t)));
            }
            OptionalLong length = body.length();
            fields.add(length.isPresent()
                    ? new Field("Content-Length", Long.toString(length.getAsLong()))
                    : new Field("Transfer-Encoding", "chunked"));
            if (!user.contains("Expect") && (length.isEmpty() || length.getAsLong() > EXPECT_CONTINUE_AFTER_BYTES)) {
                // A large upload asks first (as curl does): a server that refuses it (401, 413)
                // says so before the body is sent, not by closing or by stopping to read.
                fields.add(new Field("Expect", "100-continue"));
            }
        } else if (request.method().equals("POST") || request.method().equals("PUT") || request.method().equals("PATCH")) {
            fields.add(new Field("Content-Length", "0"));
        }
        return fields;
    }

    static Headers toHeaders(List<Field> fields) {
        String[] nv = new String[fields.size() * 2];
        int i = 0;
        for (Field f : fields) {
            nv[i++] = f.name();
            nv[i++] = f.value();
        }
        return Headers.ofTrusted(nv);
    }

    /**
     * The total timeout of each request that sets none itself ({@link Request.Builder#timeout}),
     * as {@link Builder#totalTimeout} set it; empty for none. For a caller whose own waits
     * between reads must end when the exchange does:
     *
     * <pre>{@code
     * long sent = System.nanoTime();
     * Response r = client.send(request);
     * Optional<Duration> left = client.totalTimeout().map(t -> t.minusNanos(System.nanoTime() - sent));
     * }</pre>
     */
    public Optional<Duration> totalTimeout() {
        return Optional.ofNullable(totalTimeout);
    }

    /** Connections open (idle ones included) and waiting, for diagnostics: {@code ConnectionPool[leased=1 idle=2 waiting=0 hosts=1]}. */
    public String poolState() {
        return pool.toString();
    }

    /**
     * Closes idle connections and refuses new requests; responses still open keep working,
     * timeouts included, until closed. The timeout thread ends by itself once nothing is left
     * to watch.
     */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * Builds a {@link Client}. Defaults: connect timeout 10 s, read timeout 30 s, no total
     * timeout, no pool timeout, redirects followed (at most 10), gzip/deflate decoded (br and
     * zstd too when their library is on the class path), 100 connections in total and per
     * host, idle connections kept 30 s, the JDK's trusted CAs, User-Agent {@code sluice/0.1}.
     */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration totalTimeout;
        private Duration poolTimeout;
        private Duration drainWait = Timeouts.DEFAULT_DRAIN;
        private boolean followRedirects = true;
        private int maxRedirects = 10;
        private boolean decompress = true;
        private String userAgent = DEFAULT_USER_AGENT;
        private Limits limits = Limits.DEFAULT;
        private int maxConnections = 100;
        private int maxConnectionsPerHost = 100;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private SSLContext sslContext;
        private boolean insecure;

        private Builder() {
        }

        /**
         * Name lookup, TCP connect and TLS handshake together; 10 s by default. A lookup the
         * system's resolver does not answer in time is given up (the resolver's own call may
         * go on in the background) and the pool slot freed.
         */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connect timeout");
            return this;
        }

        /**
         * The longest wait on the server: for the next bytes of the response, or while sending
         * the request, for the connection to take the next 64 KiB of it (the kernel takes them
         * as its send buffer drains, which may be in larger steps).
         */
        public Builder readTimeout(Duration d) {
            this.readTimeout = positive(d, "read timeout");
            return this;
        }

        /**
         * The longest a whole exchange may take, head and body, from the call to its end (the
         * body read or the response closed); none by default. When it passes the connection is
         * closed and its pool slot freed at once, even while nobody reads (a consumer that
         * stalls): the read blocked then, or the next one, throws {@link TotalTimeoutException},
         * and a body publisher's subscriber gets {@code onError(TotalTimeoutException)}, with or
         * without demand. (The read timeout is different: it bounds the server's silence, and a
         * consumer that does not read is not a silent server.) Null for none.
         */
        public Builder totalTimeout(Duration d) {
            this.totalTimeout = d == null ? null : positive(d, "total timeout");
            return this;
        }

        /**
         * The longest a request waits for a free connection while the pool is at its limits
         * (the JDK client and OkHttp queue without limit; aiohttp counts it in its connect
         * timeout). None by default (null), so that a thousand requests queued behind sixteen
         * connections all get their turn; the total timeout still applies. When it passes, the
         * request fails with a {@link ConnectTimeoutException} whose {@code limit()} is this
         * timeout.
         */
        public Builder poolTimeout(Duration d) {
            this.poolTimeout = d == null ? null : positive(d, "pool timeout");
            return this;
        }

        /**
         * The longest a response closed before its end waits for its rest (at most 64 KiB) to
         * keep the connection; 200 ms. Not public: tests that must tell a drain from a close
         * whatever the scheduling set it long.
         */
        Builder drainWait(Duration d) {
            this.drainWait = positive(d, "drain wait");
            return this;
        }

        /**
         * Whether redirects are followed (on by default); when off, a 3xx response is returned
         * as it is.
         */
        public Builder followRedirects(boolean follow) {
            this.followRedirects = follow;
            return this;
        }

        /**
         * The most redirects followed for one request, 10 by default; one more fails with a
         * {@link ProtocolViolationException}, so 0 makes every redirect a failure (as curl's
         * {@code --max-redirs 0}). To get 3xx responses back, use {@link #followRedirects}.
         */
        public Builder maxRedirects(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max redirects must not be negative: " + max);
            }
            this.maxRedirects = max;
            return this;
        }

        /** Whether Content-Encoding is undone (and Accept-Encoding sent); on by default. */
        public Builder decompress(boolean decompress) {
            this.decompress = decompress;
            return this;
        }

        /** The User-Agent sent when a request sets none; {@code sluice/0.1} by default. */
        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent);
            return this;
        }

        /**
         * The largest response head accepted (status line and fields); 64 KiB by default. One
         * line of the head must also fit the largest read buffer, 1 MiB: a longer one fails as
         * a local {@link IOException} (not a {@link SluiceException}) whatever this limit says.
         */
        public Builder maxHeadBytes(int bytes) {
            this.limits = new Limits(bytes, limits.maxHeaderCount(), limits.maxChunkSizeDigits(), limits.maxTrailerBytes());
            return this;
        }

        /** The most header fields accepted in one response head (and in one trailer section); 200 by default. */
        public Builder maxHeaderCount(int count) {
            this.limits = new Limits(limits.maxHeadBytes(), count, limits.maxChunkSizeDigits(), limits.maxTrailerBytes());
            return this;
        }

        /**
         * Connections open at once over all hosts, idle ones included (the role of aiohttp's
         * {@code limit}, which counts only connections in use).
         * Requests beyond the limits wait in the order they were made (of the {@code send}
         * calls, or of the {@code sendAsync} calls, whatever thread runs them), with two
         * allowances that keep connections alive: a connection that frees goes to the next
         * request for its own origin (scheme, host and port), unless an earlier request's
         * origin has fewer connections in use (or none), when an idle connection is closed to
         * make room for that one, so busy origins end up with even shares; and a request whose
         * host is at its {@link #maxConnectionsPerHost per-host limit} lets requests to other
         * hosts pass.
         */
        public Builder maxConnections(int max) {
            this.maxConnections = atLeastOne(max, "max connections");
            return this;
        }

        /** Connections open at once to one host (aiohttp's {@code limit_per_host}). */
        public Builder maxConnectionsPerHost(int max) {
            this.maxConnectionsPerHost = atLeastOne(max, "max connections per host");
            return this;
        }

        /** How long an idle keep-alive connection is kept. */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = positive(d, "idle timeout");
            return this;
        }

        /**
         * The TLS context (trust, and key material for a client certificate); the JDK's default
         * otherwise. Replaces an earlier {@link #trustCertificates}; {@link #insecure()} wins
         * over it.
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context);
            return this;
        }

        /**
         * Trusts exactly the CA certificates in a PEM file (curl's {@code --cacert}). Replaces an
         * earlier {@link #sslContext}; {@link #insecure()} wins over it.
         */
        public Builder trustCertificates(Path pemFile) throws IOException {
            this.sslContext = TlsContexts.trusting(pemFile);
            return this;
        }

        /**
         * Disables certificate and host name verification. For testing only. It replaces any
         * {@link #sslContext} or {@link #trustCertificates}, whatever the order of the calls: no
         * client certificate is sent either.
         */
        public Builder insecure() {
            this.insecure = true;
            return this;
        }

        /** The client; the builder can go on to build others. */
        public Client build() {
            return new Client(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }

        private static int atLeastOne(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1: " + n);
            }
            return n;
        }
    }
}
