package dev.sluice.cli;

import dev.sluice.Body;
import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.download.Checksum;
import dev.sluice.download.DownloadInterruptedException;
import dev.sluice.download.DownloadJob;
import dev.sluice.download.Downloader;
import dev.sluice.download.FileNames;
import dev.sluice.download.PathEntry;
import dev.sluice.download.Report;
import dev.sluice.download.RetryPolicy;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice download [URL...]}: many downloads at once with the library's
 * {@link Downloader}, each streamed to {@code NAME.part}, verified, then renamed. This class
 * turns options into jobs and builder calls, and the {@link Report} into output and an exit
 * code; the HTTP work, retries, resume, checksums and names are the library's.
 */
@Command(name = "download",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = Main.Version.class,
        description = {
            "Downloads many URLs at once, each to its own file in DIR.",
            "A file appears under its final name only once it is complete and verified;",
            "until then it is NAME.part, which --continue resumes. Bytes are saved as",
            "served (a Content-Encoding is not undone), so checksums are of those bytes."},
        footer = {"",
            "Names come from a safe Content-Disposition name or the URL path, or from the",
            "second column of -i FILE; they never leave DIR. Two jobs that would write the",
            "same file get name.1.ext, name.2.ext, and so does a name the server gives",
            "(Content-Disposition, a redirect) when a file is already there: a file you",
            "did not name is never replaced. Lines of -i FILE:",
            "  URL",
            "  URL<TAB>relative/path",
            "  URL<TAB>relative/path<TAB>sha256:HEX     (or sha512, sha1, md5)",
            "Blank lines and lines starting with # are skipped; '-i -' reads stdin.",
            "",
            "On a terminal, a live view shows each active download and the whole run;",
            "otherwise a line per file is printed as it ends. Standard output gets",
            "'NAME  BYTES bytes  SECONDS s' per file (or 'NAME  failed (KIND)  SECONDS s'),",
            "off a terminal a line per retry with its cause and wait, and a total line;",
            "standard error gets one line per failed file. BYTES is the size of",
            "the file (a 304 to -H 'If-None-Match: ...' or 'If-Modified-Since: ...' keeps",
            "the file there as it is). Interrupted (Ctrl-C, SIGTERM), it still writes",
            "--report, the unfinished files failed with kind io; their .part files stay,",
            "and a file at the path of one the server had answered is removed (not after",
            "a 304); interrupted before the downloads began, it removes an older --report.",
            "A file whose NAME.part another run is writing fails (io), both left alone.",
            "",
            "Exit codes:",
            "  0  every file downloaded",
            "  2  usage error: bad option, bad URL, malformed header, bad line in",
            "     -i FILE; found before any download starts",
            "  3-8  one URL only: as 'sluice get' (3 HTTP status, 4 connect, 5 timeout,",
            "     6 protocol, 7 checksum mismatch, 8 local I/O error)",
            "  9  several URLs: at least one failed (see --report for which and why)",
            "  130  interrupted by Ctrl-C (SIGTERM: 143)",
            "",
            "Set SLUICE_DEBUG=1 to see the stack trace of an error."})
final class DownloadCommand implements Callable<Integer> {
    /** More at once is a typo; the limit also keeps the connection pool's size in range. */
    private static final int MAX_JOBS = 100_000;
    /** More connections than this for one file is abuse of the server (aria2c's cap is 16 too). */
    private static final int MAX_SEGMENTS = 16;
    /** A request whose builder checks -H fields by the library's rules. */
    private static final Request HEADER_CHECK = Request.get("http://127.0.0.1/");
    /** What the library appends to a name for the file it streams to first. */
    private static final String PART_SUFFIX = ".part";

    private final OutputStream stdout;
    private final PrintStream stderr;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "URL", arity = "0..*", description = "http or https URLs to download.")
    private List<String> urls = new ArrayList<>();

    @Mixin
    private ConnectionOptions connection = new ConnectionOptions();

    @Option(names = {"-i", "--input-file"}, paramLabel = "FILE",
            description = "Read URLs from FILE, one per line ('-' for standard input); see below.")
    private String inputFile;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR", defaultValue = ".",
            description = "Save files in DIR (default: the current directory); created if missing.")
    private Path directory;
    /** See {@link #dir}. */
    private Path normalizedDirectory;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "8",
            description = "Download N files at once (default ${DEFAULT-VALUE}).")
    private int jobs;

    @Option(names = "--per-host", paramLabel = "N",
            description = "Download at most N files at once from one host (default: as -j).")
    private Integer perHost;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
            description = "Retry a failed file up to N times (default ${DEFAULT-VALUE}), with exponential "
                    + "backoff and jitter, honouring Retry-After (up to 10 minutes).")
    private int retries;

    @Option(names = {"-c", "--continue"},
            description = "Resume NAME.part files left by an earlier run with a Range request, "
                    + "validated by ETag or Last-Modified (If-Range); a part without a strong "
                    + "validator is fetched again from byte 0.")
    private boolean resume;

    @Option(names = "--checksum", paramLabel = "ALGO=HEX",
            description = "Verify the file (one URL only): sha256, sha512, sha1 or md5.")
    private String checksum;

    @Option(names = "--report", paramLabel = "FILE.json",
            description = {"Write a JSON report of every file to FILE.json (atomically; /dev/stdout",
                "and /dev/stderr are written through, in order with the other lines; another",
                "device or pipe, or a path in /proc or a link into it, is appended to)."})
    private Path reportFile;
    /** Whether {@link #reportFile} is written straight into, never replaced nor removed (see {@link DirectOutput}). */
    private boolean reportDirect;

    @Option(names = "--limit-rate", paramLabel = "RATE", converter = RateConverter.class,
            description = "Receive at most RATE bytes per second in all: 512K, 10M, 1G (1024-based).")
    private Long limitRate;

    @Option(names = {"-s", "--split"}, paramLabel = "N", defaultValue = "1",
            description = "Fetch each large file as up to N byte ranges over N connections, when the server "
                    + "supports ranges and names the file's version (a strong ETag or Last-Modified) so that "
                    + "all ranges are of one version (at least 1 MiB per range; default ${DEFAULT-VALUE}, at most "
                    + MAX_SEGMENTS + ").")
    private int segments;

    @Option(names = "--progress", paramLabel = "bar|lines|none", converter = ProgressMode.Converter.class,
            description = "How to show progress (default: bar on a terminal, lines otherwise);"
                    + " none shows nothing while it runs, then the per-file lines in list order and the total.")
    private ProgressMode progressMode;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors.")
    private boolean quiet;

    @Option(names = "--max-redirects", paramLabel = "N", defaultValue = "10",
            description = "Follow at most N redirects (default ${DEFAULT-VALUE}); more is a protocol error.")
    private int maxRedirects;

    @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'",
            description = "Send this header field with every request (repeatable); not Range or If-Range. "
                    + "An Accept-Encoding replaces download's identity: files are then saved in the coding served.")
    private List<String> headers = new ArrayList<>();

    /** A job with the name to show for it until the response names the file. */
    private record Planned(DownloadJob job, String provisionalName) {
    }

    /**
     * The URL when the run has one: its run-level error lines (a DIR or report that cannot be
     * made, a stdout that cannot be written) name it, as every error of get does. Null for
     * several, or before a list is read.
     */
    private String onlyUrl;

    /** The -H fields, filled by {@link #checkOptions}. */
    private final List<HeaderField> headerFields = new ArrayList<>();

    DownloadCommand(OutputStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() {
        // Before anything can create or remove it, and before the interrupt's hook may look at it.
        reportDirect = reportFile != null && DirectOutput.isWrittenDirectly(reportFile);
        // First: a signal may come while the jobs are read (-i FIFO, a slow stdin), and then an
        // older report must not stay at --report as if it were this run's.
        try (InterruptGuard guard = InterruptGuard.install(this::interruptedBeforeDownloads)) {
            checkOptions();
            Path dir = dir();
            List<Planned> planned;
            onlyUrl = inputFile == null && urls.size() == 1 ? urls.getFirst() : null;
            try {
                planned = readJobs();
            } catch (IOException | UncheckedIOException e) {
                if (guard.interrupted()) {
                    return ExitCodes.INTERRUPTED;
                }
                Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
                return localError(String.valueOf(cause.getMessage()) + olderReportRemoved(), cause);
            }
            onlyUrl = planned.size() == 1 ? planned.getFirst().job().uri().toString() : null;
            try {
                if (!dir.toString().isEmpty()) {
                    String beforeDotDot = OutputDirectory.notADirectoryBeforeDotDot(dir);
                    if (beforeDotDot != null) {
                        return localError("cannot create directory " + dir + ": " + beforeDotDot + olderReportRemoved(), null);
                    }
                    Files.createDirectories(dir);
                }
            } catch (IOException e) {
                return guard.interrupted() ? ExitCodes.INTERRUPTED
                        : localError(OutputDirectory.cannotCreate(dir, e) + olderReportRemoved(), e);
            }
            String reportProblem = reportFile == null ? null : reportProblem();
            if (reportProblem != null) {
                // Found before the downloads, not after an hour of them.
                return localError("cannot write report " + reportFile + ": " + reportProblem, null);
            }
            Client client;
            try {
                client = newClient(); // before the downloads: a --cacert that cannot be read fails here
            } catch (IOException e) {
                return guard.interrupted() ? ExitCodes.INTERRUPTED
                        : localError(String.valueOf(e.getMessage()) + olderReportRemoved(), e);
            }
            int code;
            FailureKeepingStream kept = new FailureKeepingStream(stdout);
            PrintStream out = new PrintStream(kept, false, StandardCharsets.UTF_8);
            try (client) {
                if (!guard.downloadsBegin()) {
                    return ExitCodes.INTERRUPTED; // the hook said so, and removed an older report
                }
                // From here an interrupt makes Downloader.run end with a report of every job.
                code = run(client, dir, planned, out, guard);
            }
            out.flush();
            if (out.checkError()) {
                // The files and the report are done; what was lost is their account on stdout,
                // which a script reads: a run that could not give it did not fully succeed.
                IOException cause = kept.failure();
                ErrorLine.print(stderr, named("cannot write to standard output"
                        + (cause == null ? "" : ": " + ErrorLine.reason(cause))), null);
                return code == ExitCodes.OK ? ExitCodes.LOCAL_IO : code;
            }
            return code;
        }
    }

    /**
     * Run by the interrupt's hook when the signal came before the downloads began: the jobs may
     * not even be known, so no report of this run can be written, and one an earlier run left
     * must not pass for it. Only a file or a link is removed, never a directory. The hook says
     * so itself: the worker may be blocked in a read no interrupt ends (a FIFO).
     */
    private void interruptedBeforeDownloads() {
        ErrorLine.print(stderr, "interrupted before the downloads began" + olderReportRemoved(), null);
    }

    /**
     * For a run that ends before its downloads began: removes a report an earlier run left at
     * --report, which must not pass for this run's (only a file or a link, never a directory or
     * a device), and returns the words for the error line: {@code ; no report written (the
     * older r.json removed)}, or nothing without --report.
     */
    private String olderReportRemoved() {
        if (reportFile == null) {
            return "";
        }
        boolean removed = false;
        if (!reportDirect) {
            try {
                if (Files.isRegularFile(reportFile, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(reportFile)) {
                    removed = Files.deleteIfExists(reportFile);
                }
            } catch (IOException e) {
                // The line says no report was written; an older one that stays is not this run's.
            }
        }
        return "; no report written" + (removed ? " (the older " + reportFile + " removed)" : "");
    }

    private int run(Client client, Path dir, List<Planned> planned, PrintStream out, InterruptGuard guard) {
        List<DownloadJob> jobList = planned.stream().map(Planned::job).toList();
        DownloadProgress progress = new DownloadProgress(jobList, planned.stream().map(Planned::provisionalName).toList());
        ProgressMode mode = progressMode != null ? progressMode : ProgressMode.detect(stderr);
        Report report;
        boolean interrupted = false;
        try (ProgressPrinter printer = new ProgressPrinter(mode, quiet, progress, out, stderr,
                ProgressPrinter.terminalColumns())) {
            Downloader.Builder b = Downloader.builder(client)
                    .directory(dir)
                    .concurrency(jobs)
                    .retryPolicy(RetryPolicy.of(retries))
                    .resume(resume)
                    // A file at the final path of a failed item means this run did not fetch it:
                    // removed, as get -o removes FILE, by the job itself while its part is locked.
                    .removeFailedFiles(true)
                    .segments(segments)
                    .listener(progress);
            for (HeaderField h : headerFields) {
                b.header(h.name(), h.value());
            }
            if (perHost != null) {
                b.perHost(perHost);
            }
            if (limitRate != null) {
                b.rateLimit(limitRate);
            }
            // A name a response gives never lands on the report or the list of URLs (a name the
            // user gave that would was refused before, in plan).
            if (reportFile != null) {
                b.reserve(reportFile);
            }
            inputPath().ifPresent(b::reserve);
            printer.start();
            try {
                report = b.build().run(jobList);
            } catch (DownloadInterruptedException e) {
                // Told to stop (see InterruptGuard): the report of what was done is still written.
                report = e.report();
                interrupted = true;
            }
            interrupted |= guard.downloadsEnded();
            int code = interrupted ? ExitCodes.INTERRUPTED : exitCode(report);
            // The report before the summary on stdout: a stdout nobody reads (a full pipe) blocks
            // that write for good, and a signal then ended the run without a report.
            if (reportFile != null) {
                try {
                    writeReport(report.toJson(), out);
                } catch (IOException e) {
                    // Named as given: the error may name the temporary file instead.
                    ErrorLine.print(stderr, named("cannot write report " + reportFile + ": " + ErrorLine.reason(e)), e);
                    code = code == ExitCodes.OK ? ExitCodes.LOCAL_IO : code;
                }
            }
            printer.finish(report);
            return code;
        }
    }

    /** One URL: the exit code of its error kind, as {@code get} would exit. Several: 0 or 9. */
    private static int exitCode(Report report) {
        if (report.items().size() == 1) {
            Report.Item item = report.items().getFirst();
            return item.ok() ? ExitCodes.OK : ExitCodes.ofKind(item.error().kind());
        }
        return report.isOk() ? ExitCodes.OK : ExitCodes.SOME_FAILED;
    }

    /** Range checks picocli's types cannot express; breaking one is a usage error. */
    private void checkOptions() {
        Utf8Arguments.require(spec);
        if (jobs < 1 || jobs > MAX_JOBS) {
            throw usage("-j must be between 1 and " + MAX_JOBS + ": " + jobs);
        }
        if (perHost != null && perHost < 1) {
            throw usage("--per-host must be at least 1: " + perHost);
        }
        if (retries < 0) {
            throw usage("--retries must not be negative: " + retries);
        }
        if (maxRedirects < 0) {
            throw usage("--max-redirects must not be negative: " + maxRedirects);
        }
        if (segments < 1) {
            throw usage("-s must be at least 1: " + segments);
        }
        if (segments > MAX_SEGMENTS) {
            throw usage("-s must be at most " + MAX_SEGMENTS + ": " + segments);
        }
        headerFields.clear();
        for (String h : headers) {
            headerFields.add(parseHeader(h));
        }
        if (urls.isEmpty() && inputFile == null) {
            throw usage("no URL given: name URLs or -i FILE");
        }
        Optional<Path> list = inputPath();
        if (reportFile != null && list.isPresent() && FileNames.sameEntry(reportFile, list.get())) {
            throw usage("--report " + reportFile + " is the list -i " + inputFile + ": the report would replace it");
        }
    }

    /**
     * {@code Name: value} read as {@code get} reads it (the name as written, the value
     * stripped) and checked now by the library's own rules for a field it can send (a name is
     * a token, a value has no control character but HTAB): found later, a bad field would fail
     * every download on its own.
     */
    private HeaderField parseHeader(String h) {
        HeaderField field;
        try {
            field = HeaderField.parse(h);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        String name = field.name();
        if (name.equalsIgnoreCase("Range") || name.equalsIgnoreCase("If-Range")) {
            // The library refuses them too (Downloader.Builder.header); found here, the error
            // comes before any download and says what to use instead.
            throw usage("-H " + name + ": download sets Range and If-Range itself (to resume with -c "
                    + "and to split with -s); for part of a file use 'sluice get -H'");
        }
        try {
            HEADER_CHECK.toBuilder().header(name, field.value());
        } catch (IllegalArgumentException e) {
            throw usage("invalid header '" + h + "': " + e.getMessage());
        }
        return field;
    }

    /** The jobs: URLs of the command line first, then the lines of -i FILE. */
    private List<Planned> readJobs() throws IOException {
        Optional<Checksum> expected = Optional.empty();
        if (checksum != null) {
            try {
                expected = Optional.of(Checksum.parse(checksum));
            } catch (IllegalArgumentException e) {
                throw usage("--checksum: " + e.getMessage());
            }
        }
        List<Planned> planned = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (String url : urls) {
            planned.add(plan(null, url, null, expected));
            sources.add(ErrorLine.excerpt(url));
        }
        if (inputFile != null) {
            for (InputList.Line line : readInputFile()) {
                if (line.checksum() != null && expected.isPresent()) {
                    throw usage(line.where() + ": a checksum in the file and --checksum: give one");
                }
                planned.add(plan(line.where(), line.url(), line.name(),
                        expected.or(() -> Optional.ofNullable(line.checksum()))));
                sources.add(line.where());
            }
        }
        checkNoNameBelowAnother(planned, sources);
        if (checksum != null && planned.size() != 1) {
            throw usage("--checksum applies to a single URL, but " + planned.size()
                    + " were given; put checksums in the third column of -i FILE");
        }
        return planned;
    }

    /**
     * Refuses a name that lies below another item's ({@code f/g} and {@code f}): one of the two
     * would fail after its whole download, which one depending on which ended first, the other's
     * body left in its part file. {@code sources} say where each item comes from (FILE:LINE, or
     * the URL on the command line).
     */
    private void checkNoNameBelowAnother(List<Planned> planned, List<String> sources) {
        Map<Path, Integer> files = new HashMap<>();
        for (int i = 0; i < planned.size(); i++) {
            files.putIfAbsent(Path.of(planned.get(i).provisionalName()), i);
        }
        for (int i = 0; i < planned.size(); i++) {
            Path path = Path.of(planned.get(i).provisionalName());
            for (Path above = path.getParent(); above != null; above = above.getParent()) {
                Integer other = files.get(above);
                if (other != null) {
                    throw usage(sources.get(i) + ": output name " + ErrorLine.excerpt(path.toString()) + " lies below "
                            + above + ", the file of " + sources.get(other) + ": give one of them another name");
                }
            }
        }
    }

    private List<InputList.Line> readInputFile() throws IOException {
        boolean stdin = inputFile.equals("-");
        String source = stdin ? "<stdin>" : inputFile;
        try (InputStream in = stdin ? System.in : Files.newInputStream(Path.of(inputFile))) {
            return InputList.read(in, source);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        } catch (IOException e) {
            throw new IOException(ErrorLine.cannot("read", source, e), e);
        }
    }

    /**
     * A job for {@code url}, saved as {@code name} (relative to DIR) when given. {@code where}
     * is {@code FILE:LINE} for a line of -i FILE, null for the command line.
     */
    private Planned plan(String where, String url, String name, Optional<Checksum> expected) {
        String prefix = where == null ? "" : where + ": ";
        URI uri;
        try {
            uri = Request.newBuilder(url).build().uri(); // checks what the request line cannot carry too
        } catch (IllegalArgumentException e) {
            throw usage(prefix + ErrorLine.excerpt(e.getMessage()));
        }
        Path target = null;
        if (name != null) {
            try {
                Path base = dir().toAbsolutePath();
                // Relative to DIR like the names the library picks, so the report shows them alike.
                target = base.relativize(FileNames.inside(base, name));
            } catch (IllegalArgumentException e) { // InvalidPathException included
                throw usage(prefix + (e instanceof InvalidPathException ? "invalid output name " + ErrorLine.excerpt(name)
                        : ErrorLine.excerpt(e.getMessage())));
            }
            if (!FileNames.staysInside(dir(), dir().resolve(target))) {
                // The library would refuse it too, but only once its download started.
                throw usage(prefix + "output name leaves the target directory " + shownDir()
                        + " through a symbolic link: " + ErrorLine.excerpt(name));
            }
            String notAFile = notAFileName(name, dir().resolve(target));
            if (notAFile != null) {
                // Found after the download, it would fail the rename, the whole file fetched for nothing.
                throw usage(prefix + "output name " + ErrorLine.excerpt(name) + " " + notAFile);
            }
            String tooLong = tooLong(target);
            if (tooLong != null) {
                // Found when NAME.part is made, it would fail after the request was sent.
                throw usage(prefix + "output name " + ErrorLine.excerpt(name) + " is too long: " + tooLong);
            }
        }
        // Shown as the report will show the path: DIR/NAME.
        Path path = dir().resolve(target != null ? target.toString() : FileNames.choose(uri, null));
        String clash = ownFileClash(path);
        if (clash != null) {
            // Written there, the file would be overwritten by the report (or the list replaced
            // by a download) and the run still say ok.
            throw usage(prefix + ErrorLine.excerpt(url) + " " + clash + ": give one of them another name");
        }
        return new Planned(new DownloadJob(uri, target, expected), path.toString());
    }

    /** A file of the run's own that no download may write, and how messages name it. */
    private record OwnFile(String label, PathEntry entry) {
    }

    /** The report and the list of URLs, found once: every planned name is checked against them. */
    private List<OwnFile> ownFiles;

    /**
     * How a download saved at {@code path} would write a file of the run's own, or null: the
     * report, or the list of URLs, is {@code path} or its {@code NAME.part}.
     */
    private String ownFileClash(Path path) {
        if (ownFiles == null) {
            ownFiles = new ArrayList<>();
            if (reportFile != null) {
                ownFiles.add(new OwnFile("--report " + reportFile, new PathEntry(reportFile)));
            }
            // The file behind the list's name: a download written over a link to the list would
            // not replace the link but, through a name that is the list itself, the list.
            inputPath().ifPresent(p -> ownFiles.add(new OwnFile("the list -i " + inputFile, new PathEntry(realOrAsGiven(p)))));
        }
        Path part = path.resolveSibling(path.getFileName() + PART_SUFFIX);
        for (OwnFile own : ownFiles) {
            if (own.entry().isEntryOf(path)) {
                return "would be saved as " + path + ", which is " + own.label();
            }
            if (own.entry().isEntryOf(part)) {
                return "would stream to " + part + " (its part file), which is " + own.label();
            }
        }
        return null;
    }

    private static Path realOrAsGiven(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p; // no such file: reading it fails later, and says so
        }
    }

    /** The -i FILE as a path, unless it is standard input (or no path at all: reading it fails). */
    private Optional<Path> inputPath() {
        if (inputFile == null || inputFile.equals("-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(inputFile));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /**
     * Why a name of -i FILE is longer than a file system takes, or null: a directory's name over
     * {@value FileNames#MAX_NAME_BYTES} UTF-8 bytes, or a file's that leaves no room for the
     * {@code .part} it streams to first.
     */
    private static String tooLong(Path relative) {
        for (int i = 0; i < relative.getNameCount(); i++) {
            String component = relative.getName(i).toString();
            boolean last = i == relative.getNameCount() - 1;
            int max = FileNames.MAX_NAME_BYTES - (last ? PART_SUFFIX.length() : 0);
            int bytes = component.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > max) {
                return (last ? "the file name is " : "the directory name " + ErrorLine.excerpt(component) + " is ")
                        + bytes + " bytes in UTF-8, at most " + max + (last ? " (" + FileNames.MAX_NAME_BYTES
                        + " with the " + PART_SUFFIX + " it is streamed to first)" : "");
            }
        }
        return null;
    }

    /**
     * Why an output name of -i FILE cannot be a file, or null: it ends in '/' (or in '/.' or
     * '/..', which name a directory as well), names a directory in DIR, or lies below a file
     * ({@code a/b} where {@code a} is a file).
     */
    private static String notAFileName(String name, Path path) {
        if (name.endsWith("/")) {
            return "ends in '/': it names a directory, not a file";
        }
        String last = name.substring(name.lastIndexOf('/') + 1);
        if (last.equals(".") || last.equals("..")) {
            return "ends in '/" + last + "': it names a directory, not a file";
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return "is a directory";
        }
        for (Path above = path.toAbsolutePath().getParent(); above != null; above = above.getParent()) {
            if (Files.exists(above, LinkOption.NOFOLLOW_LINKS)) {
                return Files.isDirectory(above) ? null : "lies below " + above + ", which is not a directory";
            }
        }
        return null;
    }

    /** DIR for messages: "." rather than the empty path. */
    private String shownDir() {
        return dir().toString().isEmpty() ? "." : dir().toString();
    }

    /**
     * DIR as given, normalised as the file system reads it (see {@link FileNames#normalize}: a
     * {@code ..} after a symbolic link stays): the default "." becomes the empty path, so names
     * read "a.bin", not "./a.bin". Found once: it may ask the file system.
     */
    private Path dir() {
        if (normalizedDirectory == null) {
            normalizedDirectory = FileNames.normalize(directory);
        }
        return normalizedDirectory;
    }

    private Client newClient() throws IOException {
        int perHostLimit = perHost != null ? Math.min(perHost, jobs) : jobs;
        // The pool matches the downloader's limits: never more connections than downloads at
        // once, times the ranges of a segmented file.
        Client.Builder b = Client.builder()
                .decompress(false)
                .maxRedirects(maxRedirects)
                .maxConnections(jobs * segments)
                .maxConnectionsPerHost(perHostLimit * segments);
        connection.applyTo(b);
        return b.build();
    }

    /** Why --report FILE cannot be written, or null when it can be as far as can be told before trying. */
    private String reportProblem() {
        if (reportDirect) {
            // Opened and written as it is: its directory need not be writable.
            return Files.isWritable(reportFile) ? null : Files.exists(reportFile) ? "permission denied" : "no such file";
        }
        if (Files.isDirectory(reportFile)) {
            return "is a directory";
        }
        Path parent = reportFile.toAbsolutePath().getParent();
        Path shown = reportFile.getParent() != null ? reportFile.getParent() : parent;
        if (!Files.isDirectory(parent)) {
            return Files.exists(parent) ? shown + " is not a directory" : "no such directory " + shown;
        }
        if (!Files.isWritable(parent)) {
            return "permission denied";
        }
        return null;
    }

    /**
     * Writes the report: straight into a device, a pipe or a path in /proc or a link into it,
     * else atomically (see {@link #writeAtomically}).
     */
    private void writeReport(String json, PrintStream out) throws IOException {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        FileDescriptor own = reportDirect ? ownDescriptor(reportFile) : null;
        if (own != null) {
            // --report /dev/stdout with stdout a file the shell opened with '>': opened anew, the
            // file would be written at its end while the descriptor's own offset stayed behind,
            // and this run's total line, or the shell's next command, would then overwrite the
            // report. Through the descriptor itself, it comes in order with the other lines.
            if (own == FileDescriptor.out) {
                out.flush();
                stdout.flush();
            } else {
                stderr.flush();
            }
            @SuppressWarnings("resource") // closing it would close the process's descriptor
            FileOutputStream descriptor = new FileOutputStream(own);
            descriptor.write(bytes);
            descriptor.flush();
        } else if (reportDirect) {
            // Appended, not truncated: /proc/self/fd/1 may be the file this run's own lines went
            // to (a shell's > or >>), and a device or a pipe has nothing to truncate.
            try (OutputStream device = Files.newOutputStream(reportFile, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                device.write(bytes);
            }
        } else {
            writeAtomically(reportFile, bytes);
        }
    }

    /** {@link FileDescriptor#out} or {@link FileDescriptor#err} when {@code report} is that descriptor's file, else null. */
    private static FileDescriptor ownDescriptor(Path report) {
        for (int fd = 1; fd <= 2; fd++) {
            try {
                if (Files.isSameFile(report, Path.of("/proc/self/fd/" + fd))) {
                    return fd == 1 ? FileDescriptor.out : FileDescriptor.err;
                }
            } catch (IOException | SecurityException e) {
                // No such descriptor (closed), or no /proc: written as any other device.
            }
        }
        return null;
    }

    /**
     * Writes {@code bytes} to a new file beside {@code file}, then renames it over {@code file}.
     * Not {@link Files#createTempFile}: its mode 0600 would stay on the report, which is to get
     * the mode of any new file (0666 less the umask), or the mode of the regular file it
     * replaces, as downloaded files do (a report kept private stays so). A symbolic link there
     * is replaced, and what it points to lends nothing.
     */
    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling(temporaryName(absolute));
        OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean moved = false;
        try {
            try (out) {
                out.write(bytes);
            }
            keepPermissions(absolute, temporary);
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Gives {@code replacement} the POSIX permissions of the regular file {@code replaced}, if there is one. */
    private static void keepPermissions(Path replaced, Path replacement) throws IOException {
        try {
            if (Files.isRegularFile(replaced, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(replacement, Files.getPosixFilePermissions(replaced, LinkOption.NOFOLLOW_LINKS));
            }
        } catch (UnsupportedOperationException | NoSuchFileException e) {
            // No POSIX permissions here, or the old report went meanwhile: the new one keeps its own.
        }
    }

    /** {@code .NAME.RANDOM.tmp}, NAME cut as the library cuts its own temporary names. */
    private static String temporaryName(Path file) {
        return Body.temporaryPrefix(file) + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + ".tmp";
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private int localError(String message, Throwable cause) {
        ErrorLine.print(stderr, named(message), cause);
        return ExitCodes.LOCAL_IO;
    }

    /** {@code message}, after the run's URL when it has only one. */
    private String named(String message) {
        return onlyUrl == null ? message : ErrorLine.withUrl(onlyUrl, message);
    }
}
