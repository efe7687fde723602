package dev.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A private nginx on 127.0.0.1 for interop tests: a generated config, a temporary prefix
 * directory, a child process stopped by {@link #close()}. It serves a directory the test
 * fills, with keep-alive, byte ranges, gzip for text types, optionally TLS with a
 * {@link TestCertificates} certificate and a {@code limit_rate}.
 * <pre>{@code
 * assumeTrue(Nginx.isAvailable(), "nginx not installed; run scripts/ensure-nginx.sh");
 * try (Nginx nginx = Nginx.start(o -> o.tls(TestCertificates.shared()))) {
 *     Files.writeString(nginx.root().resolve("a.txt"), "hello");
 *     // GET nginx.uri("/a.txt") or nginx.tlsUri("/a.txt") trusting TestCertificates.shared()
 * }
 * }</pre>
 * The access log records nginx's connection serial number for each request, so keep-alive
 * reuse is visible in {@link #awaitAccessLog}.
 */
public final class Nginx implements AutoCloseable {

    private static final List<Path> WELL_KNOWN_BINARIES = List.of(
            Path.of("/usr/sbin/nginx"), Path.of("/usr/local/sbin/nginx"), Path.of("/usr/local/nginx/sbin/nginx"));
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** How long start-up and log polls park between looks, in milliseconds. */
    private static final long POLL_INTERVAL_MILLIS = 10;
    /** Start-up attempts when another process takes a port between our probe and nginx's bind. */
    private static final int START_ATTEMPTS = 3;

    /** Settings for {@link #start(Consumer)}. */
    public static final class Options {
        private Path root;
        private TestCertificates certificates;
        private TestCertificates.ServerCertificate certificate = TestCertificates.ServerCertificate.LOCALHOST;
        private long limitRateBytesPerSecond;
        private int keepaliveRequests = 1000;
        private Duration keepaliveTimeout = Duration.ofSeconds(60);
        private final List<String> serverConfig = new ArrayList<>();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;

        private Options() {}

        /** The directory served at {@code /}; default: an empty {@code html} directory in the prefix. */
        public Options root(Path directory) {
            root = directory.toAbsolutePath();
            return this;
        }

        /** Adds a TLS listener presenting the {@link TestCertificates.ServerCertificate#LOCALHOST} certificate. */
        public Options tls(TestCertificates certificates) {
            return tls(certificates, TestCertificates.ServerCertificate.LOCALHOST);
        }

        /** Adds a TLS listener presenting the certificate of {@code kind}. */
        public Options tls(TestCertificates certificates, TestCertificates.ServerCertificate kind) {
            this.certificates = Objects.requireNonNull(certificates, "certificates");
            this.certificate = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /** nginx {@code limit_rate}: each response is sent at most this fast. */
        public Options limitRate(long bytesPerSecond) {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("bytesPerSecond must be at least 1: " + bytesPerSecond);
            }
            limitRateBytesPerSecond = bytesPerSecond;
            return this;
        }

        /** nginx {@code keepalive_requests}: requests per connection before nginx closes it (default 1000). */
        public Options keepaliveRequests(int requests) {
            keepaliveRequests = requests;
            return this;
        }

        /** nginx {@code keepalive_timeout} (default 60 s; zero turns keep-alive off). */
        public Options keepaliveTimeout(Duration timeout) {
            keepaliveTimeout = timeout;
            return this;
        }

        /**
         * Raw directives added to every {@code server} block, e.g.
         * {@code "location = /old { return 301 /new; }"}.
         */
        public Options serverConfig(String directives) {
            serverConfig.add(directives);
            return this;
        }

        /** How long to wait for the ports to accept connections (default 15 s). */
        public Options startTimeout(Duration timeout) {
            startTimeout = timeout;
            return this;
        }

        long keepaliveTimeoutSeconds() {
            return keepaliveTimeout.toSeconds();
        }

        int keepaliveRequestCount() {
            return keepaliveRequests;
        }

        long limitRateBytesPerSecond() {
            return limitRateBytesPerSecond;
        }

        List<String> serverDirectives() {
            return List.copyOf(serverConfig);
        }
    }

    /**
     * One access-log line.
     *
     * @param connection         nginx's serial number of the connection (equal = reused)
     * @param connectionRequests the request's position on its connection, from 1
     * @param request            the request line, e.g. {@code GET /a.txt HTTP/1.1}
     * @param status             the response status
     * @param bodyBytesSent      body bytes sent
     * @param scheme             {@code http} or {@code https}
     */
    public record AccessLogEntry(long connection, long connectionRequests, String request, int status,
            long bodyBytesSent, String scheme) {}

    private final Path prefix;
    private final Path root;
    private final Process process;
    private final int port;
    private final int tlsPort; // 0 when there is no TLS listener
    private final Path accessLog;

    private Nginx(Path prefix, Path root, Process process, int port, int tlsPort) {
        this.prefix = prefix;
        this.root = root;
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
        this.accessLog = prefix.resolve("logs/access.log");
    }

    /** The nginx binary on PATH, else in a well-known place such as /usr/sbin. */
    public static Optional<Path> binary() {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        Stream<Path> onPath = Stream.of(path.split(java.io.File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "nginx"));
        return Stream.concat(onPath, WELL_KNOWN_BINARIES.stream())
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst();
    }

    /** Whether an nginx binary is installed ({@code scripts/ensure-nginx.sh} installs one). */
    public static boolean isAvailable() {
        return binary().isPresent();
    }

    /** Starts nginx with default options (plain HTTP only). */
    public static Nginx start() throws IOException {
        return start(options -> {});
    }

    /** Starts nginx and returns once its ports accept connections. */
    public static Nginx start(Consumer<Options> configure) throws IOException {
        Options options = new Options();
        configure.accept(options);
        Path binary = binary().orElseThrow(() -> new IOException(
                "nginx is not installed (not on PATH nor in " + WELL_KNOWN_BINARIES
                        + "); run scripts/ensure-nginx.sh"));
        Path prefix = Files.createTempDirectory("sluice-nginx-");
        try {
            Files.createDirectories(prefix.resolve("conf"));
            Files.createDirectories(prefix.resolve("logs"));
            Files.createDirectories(prefix.resolve("temp"));
            Path root = options.root != null ? options.root : Files.createDirectories(prefix.resolve("html"));
            TestCertificates.PemFiles pem = options.certificates == null ? null
                    : options.certificates.writeServerPem(prefix.resolve("conf"), options.certificate);
            IOException lastFailure = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int port = freePort();
                int tlsPort = pem == null ? 0 : freePort();
                Files.writeString(prefix.resolve("conf/nginx.conf"),
                        NginxConfig.render(options, root, port, tlsPort, pem), StandardCharsets.UTF_8);
                Process process = new ProcessBuilder(binary.toString(), "-p", prefix + "/", "-c",
                        prefix.resolve("conf/nginx.conf").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(prefix.resolve("logs/stderr.log").toFile())
                        .start();
                Nginx nginx = new Nginx(prefix, root, process, port, tlsPort);
                try {
                    nginx.awaitListening(options.startTimeout);
                    return nginx;
                } catch (IOException e) {
                    nginx.stopProcess();
                    lastFailure = e;
                    if (!e.getMessage().contains("Address already in use")) {
                        break;
                    }
                }
            }
            throw lastFailure;
        } catch (IOException | RuntimeException e) {
            deleteRecursively(prefix);
            throw e;
        }
    }

    /** The directory served at {@code /}; tests put files here, before or after start. */
    public Path root() {
        return root;
    }

    /** The prefix directory holding conf/, logs/ and temp/. */
    public Path prefix() {
        return prefix;
    }

    public int port() {
        return port;
    }

    /** The TLS port; fails when started without {@link Options#tls}. */
    public int tlsPort() {
        if (tlsPort == 0) {
            throw new IllegalStateException("nginx was started without TLS; use Nginx.start(o -> o.tls(...))");
        }
        return tlsPort;
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** {@code https://127.0.0.1:TLS_PORT/} (the certificate covers 127.0.0.1 and localhost). */
    public URI tlsBaseUri() {
        return URI.create("https://127.0.0.1:" + tlsPort() + "/");
    }

    /** {@link #baseUri()} resolved against {@code path}, e.g. {@code uri("/a.txt")}. */
    public URI uri(String path) {
        return baseUri().resolve(path);
    }

    /** {@link #tlsBaseUri()} resolved against {@code path}. */
    public URI tlsUri(String path) {
        return tlsBaseUri().resolve(path);
    }

    /** The access log so far, one entry per finished request. */
    public List<AccessLogEntry> accessLog() {
        try {
            if (!Files.exists(accessLog)) {
                return List.of();
            }
            return Files.readAllLines(accessLog, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank())
                    .map(Nginx::parseAccessLogLine)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the access log holds at least {@code entries} lines: nginx writes a line
     * just after the response, so a client can finish reading before it is there.
     */
    public List<AccessLogEntry> awaitAccessLog(int entries, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<AccessLogEntry> log = accessLog();
            if (log.size() >= entries) {
                return log;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + entries
                        + " access log entries; have " + log);
            }
            pause();
        }
    }

    /** The error log so far (nginx's own messages about start-up, closed connections, ...). */
    public String errorLog() {
        return readQuietly(prefix.resolve("logs/error.log")) + readQuietly(prefix.resolve("logs/stderr.log"));
    }

    /** Stops nginx (SIGTERM, then SIGKILL after 10 s) and deletes the prefix directory. */
    @Override
    public void close() {
        stopProcess();
        deleteRecursively(prefix);
    }

    @Override
    public String toString() {
        return "Nginx[pid=" + process.pid() + " port=" + port + (tlsPort == 0 ? "" : " tlsPort=" + tlsPort)
                + " root=" + root + "]";
    }

    private void awaitListening(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Integer> ports = tlsPort == 0 ? List.of(port) : List.of(port, tlsPort);
        for (int p : ports) {
            while (!accepts(p)) {
                if (!process.isAlive()) {
                    throw new IOException("nginx exited with status " + process.exitValue()
                            + " during start-up; its log:\n" + errorLog());
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("nginx did not accept connections on 127.0.0.1:" + p + " within "
                            + timeout + "; its log:\n" + errorLog());
                }
                try {
                    // Waiting on the process both paces the poll and notices an early exit.
                    process.waitFor(POLL_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for nginx to start", e);
                }
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private void stopProcess() {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy(); // SIGTERM: nginx's fast shutdown, which also stops its workers
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle worker : workers) {
                if (worker.isAlive()) {
                    worker.destroyForcibly();
                    worker.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // A worker that will not die is reported by the next start-up failing to bind, if ever.
        }
    }

    private static AccessLogEntry parseAccessLogLine(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 6) {
            throw new IllegalStateException("unexpected access log line: " + line);
        }
        return new AccessLogEntry(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2],
                Integer.parseInt(fields[3]), Long.parseLong(fields[4]), fields[5]);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL_MILLIS); // a poll interval; the deadline is what bounds the wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while polling the nginx access log", e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // A leftover temporary directory is harmless.
        }
    }
}
