package dev.sluice.cli;

import dev.sluice.Body;
import dev.sluice.Client;
import dev.sluice.ProtocolViolationException;
import dev.sluice.Request;
import dev.sluice.RequestBody;
import dev.sluice.Response;
import dev.sluice.SluiceException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice get URL}: one request, the response body streamed to stdout or to a file.
 * Every option is one call on {@link Client.Builder}, {@link Request.Builder} or
 * {@link Body}; every error becomes one line on stderr and one exit code ({@link ExitCodes}).
 */
@Command(name = "get",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = Main.Version.class,
        description = {
            "Streams the response body of one request to stdout or -o FILE.",
            "Redirects are followed (at most 10), Content-Encoding gzip/deflate is",
            "decoded, and a final status of 400 or more is a failure (exit 3) that",
            "writes nothing."},
        footer = {"",
            "With -o, the body goes to a temporary file beside FILE, renamed to FILE",
            "once it has arrived whole. If the command fails after its options were",
            "accepted (exit 3 to 8), FILE does not exist afterwards, even if it existed",
            "before: FILE present means that this run succeeded. A device or a pipe",
            "(/dev/null), and a path in /proc or a link into it (/dev/stdout,",
            "/dev/fd/N), are written directly and never removed.",
            "",
            "Exit codes:",
            "  0  success",
            "  2  usage error: bad option, bad URL, malformed header",
            "  3  HTTP status 400 or more, or an invalid one outside 100-599",
            "     (without --no-fail)",
            "  4  could not connect: DNS, refused, TLS handshake or verification",
            "  5  timeout: connect, read or total",
            "  6  protocol error: malformed, truncated or inconsistent response,",
            "     redirect loop, more redirects than allowed",
            "  8  local I/O error: a file (or standard output) cannot be written or read",
            "  130  interrupted by Ctrl-C (SIGTERM: 143)",
            "",
            "Set SLUICE_DEBUG=1 to see the stack trace of an error."})
final class GetCommand implements Callable<Integer> {
    /** Larger blocks only cost memory: the body is streamed either way. */
    private static final int MAX_CHUNK_BYTES = 16 << 20;
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";
    /** Fields the client or the body adds unless given: given empty, the library leaves them out (or sends Accept-Encoding empty). */
    private static final Set<String> CLIENT_DEFAULTS = Set.of("user-agent", "accept", "accept-encoding", "content-type", "expect",
            "authorization");

    private final OutputStream stdout;
    private final PrintStream stderr;
    /** Set once the run has succeeded or cleaned up after itself; read by the shutdown hook. */
    private volatile boolean finished;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "An http or https URL.")
    private String url;

    @Mixin
    private ConnectionOptions connection = new ConnectionOptions();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = {"Write the body to FILE (atomically) instead of standard output.",
                "'-' is standard output; a device or pipe (/dev/null), or a path in /proc",
                "or a link into it (/dev/stdout), is written directly."})
    private String outputName;
    /** {@link #outputName} as a path, once checked; null for standard output. */
    private Path output;
    /** Whether {@link #output} is written straight into, never replaced nor removed (see {@link DirectOutput#isWrittenDirectly}). */
    private boolean outputDirect;

    @Option(names = {"-X", "--request"}, paramLabel = "METHOD",
            description = "The request method (default GET, or POST with -d).")
    private String method;

    @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'",
            description = {"Add a request header field; repeatable. 'Name:' with nothing after",
                "the colon leaves the field out (also one sluice would add, such as User-Agent)."})
    private List<String> headers = new ArrayList<>();

    @Option(names = {"-d", "--data"}, paramLabel = "DATA|@FILE",
            description = {"Send DATA (UTF-8), or the bytes of FILE as they are (@- reads standard",
                "input), as the request body. Content-Type is " + FORM_TYPE + " unless -H gives one."})
    private String data;

    @Option(names = "--max-redirects", paramLabel = "N", defaultValue = "10",
            description = "Follow at most N redirects (default ${DEFAULT-VALUE}); more is a protocol error.")
    private int maxRedirects;

    @Option(names = "--no-redirects", description = "Do not follow redirects: a 3xx response is the result.")
    private boolean noRedirects;

    @Option(names = "--raw", description = "Keep a Content-Encoding as sent instead of decoding it.")
    private boolean raw;

    @Option(names = "--no-fail",
            description = "Accept a status of 400 or more (or outside 100-599): write its body, exit 0.")
    private boolean noFail;

    @Option(names = "--chunk-size", paramLabel = "N",
            description = "Read and write standard output in blocks of N bytes (1 to " + MAX_CHUNK_BYTES
                    + "); with -o the library picks its own.")
    private Integer chunkSize;

    GetCommand(OutputStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() {
        checkOptions();
        // Ctrl-C or kill ends the JVM without unwinding this thread; the hook says so, as every
        // other end of a run is said, and keeps the promise that an unfinished run leaves
        // neither FILE nor a temporary file beside it.
        Thread onKill = Thread.ofPlatform().name("sluice-get-cleanup").unstarted(this::onInterrupt);
        Runtime.getRuntime().addShutdownHook(onKill);
        try {
            return fetch();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onKill);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway and finds the run finished.
            }
        }
    }

    private int fetch() {
        try {
            Request request = newRequest();
            try (Client client = newClient();
                 Response response = client.send(request)) {
                checkRedirectFollowed(response);
                if (!noFail) {
                    response.raiseForStatus();
                }
                ProtocolViolationException undecodable = undecodable(request, response);
                if (undecodable != null && response.body().contentLength().isPresent()) {
                    throw undecodable;
                }
                if (response.status() == 304 && !isStdout()) {
                    // Not Modified (RFC 9110 §15.4.5): the copy the caller holds is current. It
                    // has no body to write, and FILE, there or not, is left as it is, as curl does.
                    response.body().close();
                } else if (undecodable != null) {
                    writeOnlyIfEmpty(response.body(), undecodable);
                } else {
                    writeBody(response.body());
                }
            }
            finished = true;
            return ExitCodes.OK;
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return fail(e);
        }
    }

    /**
     * A body in a content coding this build cannot undo would be written as sent, though the
     * user asked for the content (decoding is on): a file that is not what it claims, with exit
     * 0. curl fails there too. Returns that failure, or null when there is none: {@code --raw}
     * keeps such bytes, a 206 is written as sent anyway, and a response without content has
     * nothing to decode. Whether a body of unknown length has content, only its first byte
     * tells ({@link #writeOnlyIfEmpty}).
     */
    private ProtocolViolationException undecodable(Request request, Response response) {
        Body body = response.body();
        int status = response.status();
        if (raw || body.isDecoded() || status == 206 || status == 204 || status == 304
                || request.method().equals("HEAD") || body.contentLength().orElse(-1) == 0) {
            return null;
        }
        List<String> codings = new ArrayList<>();
        for (String value : response.headers().all("Content-Encoding")) {
            for (String token : value.split(",")) {
                String coding = token.strip();
                if (!coding.isEmpty() && !coding.equalsIgnoreCase("identity")) {
                    codings.add(coding);
                }
            }
        }
        if (codings.isEmpty()) {
            return null;
        }
        return new ProtocolViolationException(response.uri(), "the body is in a content coding sluice cannot"
                + " decode here (Content-Encoding: " + ErrorLine.excerpt(String.join(", ", codings), ErrorLine.MAX_QUOTED_FIELD_CHARS)
                + "); --raw keeps the bytes as sent", -1, null);
    }

    /**
     * A chunked or close-delimited body in a coding that cannot be undone: an empty one has no
     * content to decode (RFC 9110 §8.4.1), so it is written (nothing, or an empty FILE), as
     * with {@code Content-Length: 0}; its first byte is {@code undecodable}, before any is written.
     */
    private void writeOnlyIfEmpty(Body body, ProtocolViolationException undecodable) throws IOException {
        if (body.any().iterator().hasNext()) {
            throw undecodable;
        }
        String target = isStdout() ? "standard output" : output.toString();
        try {
            if (isStdout()) {
                stdout.flush();
            } else if (outputDirect) {
                Files.newOutputStream(output, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING).close();
            } else {
                writeEmptyFile(output.toAbsolutePath());
            }
        } catch (IOException e) {
            throw local("cannot write " + target, e);
        }
    }

    /**
     * Puts an empty file at {@code target} as {@link Body#transferTo(Path)} puts a body there:
     * through a temporary file beside it (named as the interrupt's cleanup looks for it),
     * renamed over it, a file it replaces keeping its permissions.
     */
    private static void writeEmptyFile(Path target) throws IOException {
        Path tmp = target.resolveSibling(Body.temporaryPrefix(target) + Long.toString(
                java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36) + ".part");
        boolean done = false;
        try {
            Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            if (Files.isRegularFile(target)) {
                try {
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException | java.nio.file.NoSuchFileException e) {
                    // No POSIX permissions here, or the old file went meanwhile.
                }
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * The client returns a redirect it cannot follow: one that keeps the method and its body
     * (307, 308, or 301/302 of a PUT) when the body was read from a stream, which cannot be sent
     * again. With redirects on, that is no result: curl fails there too.
     */
    private void checkRedirectFollowed(Response response) throws ProtocolViolationException {
        if (noRedirects) {
            return;
        }
        int status = response.status();
        boolean followable = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        Optional<String> location = response.headers().first("Location");
        if (followable && location.isPresent()) {
            throw new ProtocolViolationException(response.uri(), "the " + status + " redirect to "
                    + ErrorLine.excerpt(location.get())
                    + " cannot be followed: the request body was read from a stream and cannot be sent again", -1, null);
        }
    }

    /** Range checks picocli's types cannot express; breaking one is a usage error. */
    private void checkOptions() {
        if (outputName != null && !outputName.equals("-")) {
            if (outputName.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "-o needs a file name");
            }
            if (outputName.endsWith("/")) {
                // A path would drop the slash and write a file named like the directory.
                throw new ParameterException(spec.commandLine(), "-o names a directory, not a file: " + outputName);
            }
            try {
                output = Path.of(outputName);
            } catch (InvalidPathException e) {
                throw new ParameterException(spec.commandLine(), "-o: invalid file name " + outputName);
            }
            // Once, before the run: the run itself creates FILE, which changes nothing of this.
            outputDirect = DirectOutput.isWrittenDirectly(output);
        }
        if ("@".equals(data)) {
            throw new ParameterException(spec.commandLine(), "-d @ needs a file name (@- reads standard input)");
        }
        if (data != null && !data.startsWith("@") && data.indexOf('\uFFFD') >= 0) {
            // What the JVM could not decode from the command line (bytes that are not UTF-8, or
            // a locale without UTF-8) would be sent as replacement characters.
            throw new ParameterException(spec.commandLine(), "-d DATA is not valid UTF-8 text on this command line;"
                    + " send bytes as they are with -d @FILE");
        }
        Utf8Arguments.require(spec);
        if (method != null && method.equalsIgnoreCase("CONNECT")) {
            throw new ParameterException(spec.commandLine(), "-X CONNECT is not supported (it asks a proxy for a tunnel)");
        }
        if (method != null && method.equalsIgnoreCase("TRACE") && data != null) {
            throw new ParameterException(spec.commandLine(), "-X TRACE cannot send a body (RFC 9110 §9.3.8): drop -d");
        }
        if (maxRedirects < 0) {
            throw new ParameterException(spec.commandLine(), "--max-redirects must not be negative: " + maxRedirects);
        }
        if (chunkSize != null && (chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES)) {
            throw new ParameterException(spec.commandLine(),
                    "--chunk-size must be between 1 and " + MAX_CHUNK_BYTES + ": " + chunkSize);
        }
    }

    private Request newRequest() throws IOException {
        Request.Builder b = Request.newBuilder(url);
        boolean hasContentType = false;
        for (String h : headers) {
            HeaderField field;
            try {
                field = HeaderField.parse(h);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            hasContentType |= field.name().equalsIgnoreCase("Content-Type");
            if (field.value().isEmpty() && !CLIENT_DEFAULTS.contains(field.name().toLowerCase(Locale.ROOT))) {
                continue; // curl's -H 'Name:': no such field at all (the library leaves out its defaults set empty)
            }
            b.header(field.name(), field.value());
        }
        RequestBody body = data == null ? null : newBody(data);
        if (body != null && !hasContentType) {
            b.header("Content-Type", FORM_TYPE); // curl's choice for -d
        }
        if (method != null) {
            b.method(method, body);
        } else if (body != null) {
            b.method("POST", body);
        }
        return b.build();
    }

    private static RequestBody newBody(String data) throws IOException {
        if (!data.startsWith("@")) {
            return RequestBody.ofBytes(data.getBytes(StandardCharsets.UTF_8));
        }
        if (data.equals("@-")) {
            return standardInputBody();
        }
        Path file = Path.of(data.substring(1));
        try {
            if (Files.isRegularFile(file)) {
                return RequestBody.ofPath(file);
            }
            if (Files.isDirectory(file)) {
                throw new IOException("cannot read request body file " + file + ": is a directory");
            }
            // A pipe or device (/dev/stdin, a process substitution) has no size: send it chunked.
            // Through an interruptible channel (Files.newInputStream's is not): --timeout then
            // ends a read of a pipe that stays silent.
            return RequestBody.ofInputStream(Channels.newInputStream(FileChannel.open(file)), OptionalLong.empty());
        } catch (UncheckedIOException e) {
            throw local("cannot read request body file " + file, e.getCause());
        } catch (FileSystemException e) {
            throw local("cannot read request body file " + file, e);
        }
    }

    /**
     * Standard input, as curl's {@code -d @-}: read through file descriptor 0's own channel,
     * which a total timeout can interrupt (System.in cannot), from where it stands (a script may
     * have read part of a file already), whatever it is (a file, a pipe, a socket, none of which
     * reopening /dev/stdin gets right). A file's rest has a length; anything else goes chunked.
     */
    private static RequestBody standardInputBody() throws IOException {
        FileChannel in = new FileInputStream(FileDescriptor.in).getChannel();
        OptionalLong length = OptionalLong.empty();
        Path fd0 = Path.of("/proc/self/fd/0");
        if (Files.isRegularFile(fd0)) {
            length = OptionalLong.of(Math.max(0, in.size() - in.position()));
        }
        return RequestBody.ofInputStream(Channels.newInputStream(in), length);
    }

    private Client newClient() throws IOException {
        Client.Builder b = Client.builder()
                .followRedirects(!noRedirects)
                .maxRedirects(maxRedirects)
                .decompress(!raw);
        connection.applyTo(b);
        return b.build();
    }

    private void writeBody(Body body) throws IOException {
        String target = isStdout() ? "standard output" : output.toString();
        try {
            if (isStdout()) {
                stream(body, stdout);
            } else if (outputDirect) {
                // /dev/null, a named pipe, /dev/stdout: nothing to rename over, nothing to remove
                // later. Truncated as curl's open does, for a path that stands for a regular file.
                try (OutputStream device = Files.newOutputStream(output, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    stream(body, device);
                }
            } else {
                body.transferTo(output);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause() instanceof SluiceException s ? s : local("cannot write " + target, e.getCause());
        } catch (SluiceException e) {
            throw e;
        } catch (IOException e) {
            throw local("cannot write " + target, e);
        }
    }

    /** Writes the body as it arrives, in blocks of --chunk-size when given. */
    private void stream(Body body, OutputStream out) throws IOException {
        if (chunkSize == null) {
            body.transferTo(out);
        } else {
            for (ByteBuffer chunk : body.chunks(chunkSize)) {
                write(out, chunk);
            }
        }
        out.flush();
    }

    private boolean isStdout() {
        return output == null;
    }

    private static void write(OutputStream out, ByteBuffer chunk) throws IOException {
        if (chunk.hasArray()) {
            out.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
        } else {
            byte[] copy = new byte[chunk.remaining()];
            chunk.get(copy);
            out.write(copy);
        }
    }

    /** Reports {@code e} on one line naming the URL, cleans up -o, and returns the exit code. */
    private int fail(Exception e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        int code = ExitCodes.of(cause);
        String message = String.valueOf(cause.getMessage());
        // The library's messages start with the URL (its password hidden); ours and the JDK's do not.
        ErrorLine.print(stderr, ErrorLine.withUrl(url, message), e);
        if (code != ExitCodes.USAGE) {
            removeOutput();
        }
        finished = true;
        return code;
    }

    /** The shutdown hook: an unfinished run is said to be interrupted, and leaves no file. */
    private void onInterrupt() {
        if (finished) {
            return;
        }
        ErrorLine.print(stderr, ErrorLine.withUrl(url, "interrupted before it finished"), null);
        if (!isStdout()) {
            removeUnfinishedOutput();
        }
    }

    /**
     * Removes the temporary file of an interrupted transfer and FILE.
     * {@link Body#transferTo(Path)} names its temporary file {@code .FILE.RANDOM.part} beside
     * FILE ({@link Body#temporaryPrefix}) and does not expose it, so it is found by that pattern.
     */
    private void removeUnfinishedOutput() {
        if (finished || outputDirect) {
            return;
        }
        Path target = output.toAbsolutePath();
        String prefix = Body.temporaryPrefix(target);
        try (DirectoryStream<Path> temporary = Files.newDirectoryStream(target.getParent(), p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(".part")
                    && name.substring(prefix.length(), name.length() - ".part".length()).matches("[0-9a-z]+");
        })) {
            for (Path p : temporary) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // Best effort while the JVM goes down; there is nobody left to tell.
        }
        removeOutput();
    }

    /**
     * A failed run leaves nothing at -o FILE (see the help footer). Only a regular file (or a
     * link to one) goes: a directory, /dev/null, a pipe or /dev/stdout is never removed.
     */
    private void removeOutput() {
        if (isStdout() || outputDirect || !Files.isRegularFile(output)) {
            return;
        }
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            ErrorLine.print(stderr, "cannot remove " + output + ": " + ErrorLine.reason(e), e);
        }
    }

    private static IOException local(String what, IOException cause) {
        return new IOException(what + ": " + ErrorLine.reason(cause), cause);
    }
}
