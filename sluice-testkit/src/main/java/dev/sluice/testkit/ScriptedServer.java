package dev.sluice.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A raw-socket HTTP/1.1 server on 127.0.0.1 that follows a script, for malformed and hostile
 * responses, over plain TCP or TLS.
 *
 * <p>Each accepted connection runs a {@link Script} on its own virtual thread: the one given
 * for its index, else the one for every connection, else {@link Script#serveRequests()},
 * which reads requests and answers each with the handler for its overall index, else the
 * handler for every request. Every request read is recorded with the index of the
 * connection that carried it, so connection reuse is asserted without timing:
 * <pre>{@code
 * try (var server = ScriptedServer.start(s -> s
 *         .onConnection(0, c -> c.expectRequest().send(Responses.ok("one"))
 *                                .expectRequest().send(Responses.ok("two")).close())
 *         .onEveryConnection(c -> c.expectRequest().reset()))) {
 *     // ... client GETs server.uri("/a") twice ...
 *     assertThat(server.awaitRequests(2, Duration.ofSeconds(5)))
 *             .extracting(RecordedRequest::connectionIndex).containsExactly(0, 0);
 * }
 * }</pre>
 * A per-request responder reads better when only the answers differ:
 * {@code ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok(req.target()))))}.
 *
 * <p>The lambdas given to {@link Spec} run on server threads, once per connection or request,
 * possibly at the same time for different connections.
 *
 * <p>Broken expectations in server threads (see {@link ConnectionRunner}) are kept in
 * {@link #failures()}, fail any {@code await...} call at once, and are rethrown as one
 * {@link AssertionError} by {@link #close()}. Waits never sleep: they block on a condition
 * signalled at every change, with a deadline.
 */
public final class ScriptedServer implements AutoCloseable {

    private static final Duration CLOSE_JOIN_TIMEOUT = Duration.ofSeconds(5);

    /** What the server does; filled by the lambda passed to {@link #start}. */
    public static final class Spec {
        private final Map<Integer, Consumer<Script>> connections = new HashMap<>();
        private final Map<Integer, Consumer<Script>> requests = new HashMap<>();
        private Consumer<Script> everyConnection;
        private BiConsumer<RecordedRequest, Script> everyRequest;

        private Spec() {}

        /** The script for the connection accepted {@code index}-th (from 0). */
        public Spec onConnection(int index, Consumer<Script> script) {
            connections.put(index, Objects.requireNonNull(script, "script"));
            return this;
        }

        /** The script for every connection that has no {@link #onConnection} script. */
        public Spec onEveryConnection(Consumer<Script> script) {
            everyConnection = Objects.requireNonNull(script, "script");
            return this;
        }

        /** The steps answering the {@code index}-th request overall (from 0), in serving mode. */
        public Spec onRequest(int index, Consumer<Script> steps) {
            requests.put(index, Objects.requireNonNull(steps, "steps"));
            return this;
        }

        /** The steps answering every request that has no {@link #onRequest} steps, in serving mode. */
        public Spec onEveryRequest(BiConsumer<RecordedRequest, Script> steps) {
            everyRequest = Objects.requireNonNull(steps, "steps");
            return this;
        }
    }

    private final ServerSocket serverSocket;
    private final SSLContext tls;
    private final Spec spec;
    private final Thread acceptor;
    private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

    /** Guards the lists below and is the monitor of {@link #changed}; never held across I/O. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<ConnectionRunner> connections = new ArrayList<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private boolean closing;

    private ScriptedServer(SSLContext tls, Spec spec) throws IOException {
        this.tls = tls;
        this.spec = spec;
        this.serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        this.acceptor = Thread.ofVirtual().name("scripted-server-accept-" + serverSocket.getLocalPort())
                .start(this::acceptLoop);
    }

    /** Starts a plain-TCP server on 127.0.0.1 and an ephemeral port. */
    public static ScriptedServer start(Consumer<Spec> script) throws IOException {
        return start(null, script);
    }

    /**
     * Starts a TLS server; {@code serverContext} is usually
     * {@link TestCertificates#serverContext()}. The handshake runs on the connection's thread;
     * a client that rejects it counts as a client close, not a failure.
     */
    public static ScriptedServer startTls(SSLContext serverContext, Consumer<Spec> script) throws IOException {
        return start(Objects.requireNonNull(serverContext, "serverContext"), script);
    }

    private static ScriptedServer start(SSLContext tls, Consumer<Spec> script) throws IOException {
        Spec spec = new Spec();
        script.accept(spec);
        return new ScriptedServer(tls, spec);
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT} + {@code path} ({@code https} for a TLS server). */
    public URI uri(String path) {
        String prefix = path.startsWith("/") ? "" : "/";
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port() + prefix + path);
    }

    /** Opens the gate {@code name} that {@link Script#stallUntil(String)} steps wait on; may come first. */
    public void release(String name) {
        gate(name).complete(null);
    }

    CompletableFuture<Void> gate(String name) {
        return gates.computeIfAbsent(name, n -> new CompletableFuture<>());
    }

    /** The requests read so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return locked(() -> List.copyOf(requests));
    }

    /** How many connections were accepted. */
    public int connectionCount() {
        return locked(connections::size);
    }

    /** How many accepted connections the server has not closed yet (the client may have). */
    public int openConnections() {
        return locked(() -> (int) connections.stream().filter(c -> c.open).count());
    }

    /** Whether the server saw connection {@code index} closed or reset by the client. */
    public boolean clientClosed(int connectionIndex) {
        return locked(() -> connectionIndex < connections.size() && connections.get(connectionIndex).clientClosed);
    }

    /** Errors kept from server threads: broken expectations and exceptions from scripts. */
    public List<Throwable> failures() {
        return locked(() -> List.copyOf(failures));
    }

    /** Waits until at least {@code count} requests were read; returns all read so far. */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) {
        await(() -> requests.size() >= count, timeout, () -> count + " requests");
        return requests();
    }

    /** Waits until at least {@code count} connections were accepted. */
    public void awaitConnections(int count, Duration timeout) {
        await(() -> connections.size() >= count, timeout, () -> count + " connections");
    }

    /**
     * Waits until the server saw the client close or reset connection {@code connectionIndex};
     * it sees it while reading: in {@link Script#awaitClientClose()}, between requests in
     * serving mode, or after a script ended without closing.
     */
    public void awaitClientClose(int connectionIndex, Duration timeout) {
        await(() -> connectionIndex < connections.size() && connections.get(connectionIndex).clientClosed,
                timeout, () -> "the client to close connection " + connectionIndex);
    }

    /**
     * Waits until exactly {@code count} accepted connections are open at the server (0 for leak
     * tests). A connection the kernel queued but the server has not accepted yet does not count,
     * so wait for it first: {@code awaitConnections(1, t); awaitOpenConnections(0, t)}.
     */
    public void awaitOpenConnections(int count, Duration timeout) {
        await(() -> connections.stream().filter(c -> c.open).count() == count,
                timeout, () -> count + " open connections");
    }

    /**
     * Waits until a server thread failed and returns the first failure, for tests whose point
     * is that the client breaks the script. Other waits throw on a failure instead.
     */
    public Throwable awaitFailure(Duration timeout) {
        await(() -> !failures.isEmpty(), timeout, () -> "a failure", false);
        return failures().getFirst();
    }

    /**
     * Stops accepting, closes every connection, interrupts stalled steps and waits for the
     * server threads; then throws one {@link AssertionError} if any server thread failed.
     */
    @Override
    public void close() {
        List<ConnectionRunner> toAbort = locked(() -> {
            closing = true;
            return List.copyOf(connections);
        });
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // The accept loop ends either way.
        }
        toAbort.forEach(ConnectionRunner::abort);
        long deadline = System.nanoTime() + CLOSE_JOIN_TIMEOUT.toNanos();
        join(acceptor, deadline);
        for (ConnectionRunner runner : locked(() -> List.copyOf(connections))) {
            runner.abort(); // one may have been accepted while we were closing
            join(runner.thread, deadline);
        }
        List<Throwable> failed = failures();
        if (!failed.isEmpty()) {
            AssertionError error = new AssertionError(failed.size() + " failure(s) in the scripted server; first: "
                    + failed.getFirst().getMessage(), failed.getFirst());
            failed.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    @Override
    public String toString() {
        return locked(() -> "ScriptedServer[port=" + port() + " connections=" + connections.size()
                + " open=" + connections.stream().filter(c -> c.open).count()
                + " requests=" + requests.size() + " failures=" + failures.size() + "]");
    }

    private void acceptLoop() {
        while (true) {
            Socket socket;
            try {
                socket = serverSocket.accept();
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                if (!locked(() -> closing)) {
                    fail(new AssertionError("accept failed: " + e.getMessage(), e));
                }
                return;
            }
            ConnectionRunner runner = locked(() -> {
                if (closing) {
                    return null;
                }
                ConnectionRunner r = new ConnectionRunner(this, connections.size(), socket, tls);
                connections.add(r);
                changed.signalAll();
                return r;
            });
            if (runner == null) {
                closeQuietly(socket);
                return;
            }
            // The thread is published before it starts so that close() can always interrupt it.
            runner.thread = Thread.ofVirtual().name("scripted-server-conn-" + runner.index()).unstarted(runner);
            runner.thread.start();
        }
    }

    Script scriptForConnection(int index) {
        Consumer<Script> steps = spec.connections.getOrDefault(index, spec.everyConnection);
        Script script = new Script();
        if (steps == null) {
            script.serveRequests();
        } else {
            steps.accept(script);
        }
        return script;
    }

    Script scriptForRequest(RecordedRequest request) {
        Script script = new Script();
        Consumer<Script> byIndex = spec.requests.get(request.index());
        if (byIndex != null) {
            byIndex.accept(script);
        } else if (spec.everyRequest != null) {
            spec.everyRequest.accept(request, script);
        } else {
            throw new AssertionError("no steps for request " + request.index() + " (" + request.method() + " "
                    + request.target() + "); give onRequest(" + request.index() + ", ...) or onEveryRequest(...)");
        }
        return script;
    }

    RecordedRequest record(int connectionIndex, RequestReader.Head head, byte[] body) {
        return locked(() -> {
            RecordedRequest request = new RecordedRequest(requests.size(), connectionIndex,
                    head.method(), head.target(), head.headers(), body, head.raw());
            requests.add(request);
            changed.signalAll();
            return request;
        });
    }

    void fail(Throwable failure) {
        locked(() -> {
            // Errors caused by close() itself are noise, not findings.
            if (!closing) {
                failures.add(failure);
                changed.signalAll();
            }
            return null;
        });
    }

    void signal() {
        locked(() -> {
            changed.signalAll();
            return null;
        });
    }

    private void await(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        await(condition, timeout, what, true);
    }

    private void await(BooleanSupplier condition, Duration timeout, Supplier<String> what, boolean failFast) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                if (failFast && !failures.isEmpty()) {
                    throw new AssertionError("the scripted server failed while waiting for " + what.get()
                            + ": " + failures.getFirst().getMessage(), failures.getFirst());
                }
                long leftNanos = deadline - System.nanoTime();
                if (leftNanos <= 0) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + what.get()
                            + "; requests so far: " + requests + "; " + summaryLocked());
                }
                changed.awaitNanos(leftNanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what.get(), e);
        } finally {
            lock.unlock();
        }
    }

    private String summaryLocked() {
        return "connections=" + connections.size() + " open=" + connections.stream().filter(c -> c.open).count();
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private static void join(Thread thread, long deadlineNanos) {
        if (thread == null) {
            return;
        }
        try {
            long leftNanos = Math.max(1, deadlineNanos - System.nanoTime());
            thread.join(Duration.ofNanos(leftNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing more to do for a socket we refuse.
        }
    }
}
