package dev.sluice.download;

import dev.sluice.Client;
import dev.sluice.HttpStatusException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.Request;
import dev.sluice.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Many downloads at once, each streamed to {@code NAME.part}, verified, then renamed: nothing
 * incomplete ever sits at a final path. Jobs run on virtual threads, gated by a limit in total
 * and per host; failed attempts are retried by a {@link RetryPolicy}, resuming the part file
 * with a validated Range request.
 *
 * <pre>{@code
 * try (Client client = Client.newClient()) {
 *     Report report = Downloader.builder(client).directory(Path.of("out")).concurrency(16).build()
 *             .run(urls.stream().map(u -> DownloadJob.of(URI.create(u))).toList());
 *     System.out.println(report.toJson());
 * }
 * }</pre>
 *
 * <p>A job locks its part file before it asks anything (see {@code PartLock}): a second
 * download of the same part, in this process or another, fails at once as a local error whose
 * message ends with {@link Report.Error#PART_IN_USE}, having changed nothing.
 *
 * <p>Resuming (a retry, or {@link Builder#resume} for a part left by an earlier run) sends
 * {@code Range: bytes=N-} only with {@code If-Range} and a strong validator of what the part
 * holds: a strong ETag, or with no ETag, a Last-Modified date at least a second before the
 * response's Date (RFC 9110 §13.1.5, §8.8.2.2). Without one, the rest could be of another
 * version of the file, so the download starts over from byte 0. A 206 is appended only when
 * its Content-Range is exactly the rest of the file: from byte N to the end of the complete
 * length known for the part, with a body of that many bytes, under the validator asked for
 * (a server that ignores If-Range may still name another ETag or Last-Modified). Any other
 * 206, or one to a request without Range, is a {@link ProtocolViolationException}, and the
 * part is deleted. A body the client decodes (a server may compress though asked not to) is
 * never resumed: its part holds decoded bytes, while a range counts encoded ones.
 *
 * <p>Names: a job without a target takes its name from the URL path, or, once a successful
 * response gives one, from a safe Content-Disposition name or the path of the URL it was
 * redirected to (see {@link FileNames}); error responses do not name files, and a job that has
 * written to its part file in this run keeps its name. An existing file at a final path the
 * caller named (a target, or the name of the URL's own path) is replaced, atomically, once the
 * new one is complete; a name a response gives never replaces anything but an earlier download
 * of the same URL: when a file, a directory or a link is there already, or the path is
 * {@linkplain Builder#reserve reserved}, or its {@code NAME.part} is another URL's, the job
 * takes the next free {@code name.N.ext}. The URL of each download is recorded in an extended
 * attribute of its {@code NAME.part}, which the finished file keeps: a regular file there whose
 * recorded URL is the job's is its own, replaced as a name the caller chose is, and a
 * {@code NAME.part} of the job's URL, or with none recorded, is what {@link Builder#resume}
 * continues. Where the file system keeps no extended attributes, a re-run numbers again
 * ({@code name.1.ext}, then {@code name.2.ext}...). When two jobs of one run would write the
 * same path, or one job's path is the other's {@code NAME.part}, one gets {@code name.1.ext},
 * {@code name.2.ext}, and so on: names are claimed before any job starts, first the targets
 * given (in list order), then the names URL paths give (in list order, so the later
 * duplicate gets the number); a name a response gives is claimed when it arrives, and the
 * job's provisional name is then released, without renumbering the others. Names relative to the directory never
 * lead out of it, not even through a symbolic link inside it (see
 * {@link FileNames#staysInside}): such a job fails with an {@link IOException}. A symbolic
 * link in place of a {@code NAME.part} file is removed (the link, not its target) and a new
 * part file is made.
 *
 * <p>Only a 2xx body is saved. A 3xx reaches the downloader only when the client did not follow
 * it (no Location, or a status such as 300 that is no redirect to follow): it fails the job as a
 * {@link ProtocolViolationException}, without a retry, and writes nothing. The exception is a
 * 304 to a request made conditional by the caller's own {@link Builder#header} If-None-Match or
 * If-Modified-Since: the file at the final path is current; it is left as it is (nothing is
 * written), verified against the job's checksum, if any, and the job succeeds with that file's
 * size as its bytes. With no regular file at the final path (none, or a symbolic link), such a
 * 304 fails the job as a {@link ProtocolViolationException}, without a retry. A 416 to a resumed request under another validator than the part's (a server that
 * ignores If-Range) deletes the part and asks for the whole file again.
 *
 * <p>The report's {@code bytes} of a job is the size of its file (not what this run received:
 * a resumed file counts whole); of a failed job, what its {@code NAME.part} holds.
 *
 * <p>With {@link Builder#resume}, a part left under a name that only the response gives is
 * resumed too: when the response (a 200) names a file whose part holds bytes under the same
 * strong validator as the response's, the response is closed unread and the request repeated
 * once with Range and If-Range.
 */
public final class Downloader {
    private final Client client;
    private final Path directory;
    private final boolean removeFailedFiles;
    private final int concurrency;
    private final int perHost;
    private final RetryPolicy retryPolicy;
    private final boolean resume;
    private final RateLimiter rateLimiter;
    private final int segments;
    private final List<String[]> headers;
    /** Paths no job writes (see {@link Builder#reserve}). */
    private final List<PathEntry> reserved;
    private final ProgressEvent.Listener listener;
    private final Sleeper sleeper;
    /** Whether the caller's header fields make requests conditional, so that a 304 may answer them. */
    private final boolean conditional;
    /** {@link #directory}, absolute (not normalised: the same directory, read the same way). */
    private final Path absoluteDirectory;

    /** The statuses the client follows when they have a Location (RFC 9110 §15.4). */
    private static final Set<Integer> FOLLOWED_REDIRECTS = Set.of(301, 302, 303, 307, 308);
    /** Most characters of a Location an error message quotes. */
    private static final int MAX_QUOTED_CHARS = 200;
    /** Most characters of a field's value or a reason phrase an error message quotes. */
    private static final int MAX_QUOTED_FIELD_CHARS = 80;

    /** Waits between attempts; injected so tests need not sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * The attempts of one job, and so what is left of its retries: {@code --retries N} is at
     * most N retries of the file in all, whether a whole attempt failed or one segment of a
     * segmented one (which retries in place, while the other segments go on). Each retry begins
     * the next attempt, so the report's attempts and the numbers of the retry events count the
     * same thing. Segments take retries from several threads at once, one per round of failures
     * (see {@link #retryRound}): a blip that fails every segment at once is one retry, as it is
     * for one stream.
     */
    static final class Attempts {
        private final int retries;
        /** The attempts begun so far; the current one is the last. */
        private final AtomicInteger begun = new AtomicInteger(1);

        Attempts(int retries) {
            this.retries = retries;
        }

        /** The number of the current attempt, from 1. */
        int current() {
            return begun.get();
        }

        /** Whether a failure now may be retried. */
        boolean retriesLeft() {
            return begun.get() <= retries;
        }

        /**
         * Begins the next attempt when a retry is left, and returns the number of the attempt
         * that failed (as {@link ProgressEvent.Retry} names it, and {@link RetryPolicy#delayFor}
         * takes it); 0 when no retry is left.
         */
        int retry() {
            int failed = begun.getAndUpdate(n -> n <= retries ? n + 1 : n);
            return failed <= retries ? failed : 0;
        }

        /**
         * What a failure of a request sent during attempt {@code seen} (the {@link #current}
         * read before sending it) does to the attempts. The first failure of a round begins
         * the next attempt ({@link Round#NEW}); a failure of a round another failure already
         * counted takes no retry of its own ({@link Round#COUNTED}): with N segments hit by
         * one blip, each would otherwise use up one of the file's retries. Every request of a
         * segment is sent in a later attempt than its last, so a segment sends at most
         * {@code retries + 1} requests.
         */
        Round retryRound(int seen) {
            while (true) {
                int now = begun.get();
                if (now > seen) {
                    return Round.COUNTED;
                }
                if (now > retries) {
                    return Round.NONE_LEFT;
                }
                if (begun.compareAndSet(now, now + 1)) {
                    return Round.NEW;
                }
            }
        }

        /** See {@link #retryRound}. */
        enum Round {
            /** This failure began the next attempt: a retry taken, with its event and its wait. */
            NEW,
            /** The next attempt began already, for another failure of the same round: try again in it. */
            COUNTED,
            /** No retry is left: the failure is final. */
            NONE_LEFT
        }
    }

    private Downloader(Builder b) {
        this.client = b.client;
        this.directory = b.directory;
        this.removeFailedFiles = b.removeFailedFiles;
        this.absoluteDirectory = b.directory.toAbsolutePath();
        this.concurrency = b.concurrency;
        this.perHost = b.perHost == 0 ? b.concurrency : b.perHost;
        this.retryPolicy = b.retryPolicy;
        this.resume = b.resume;
        this.rateLimiter = b.bytesPerSecond > 0 ? new RateLimiter(b.bytesPerSecond) : null;
        this.segments = b.segments;
        this.headers = List.copyOf(b.headers);
        this.reserved = b.reserved.stream().map(PathEntry::new).toList();
        this.listener = b.listener;
        this.sleeper = b.sleeper;
        this.conditional = headers.stream()
                .anyMatch(h -> h[0].equalsIgnoreCase("If-None-Match") || h[0].equalsIgnoreCase("If-Modified-Since"));
    }

    public static Builder builder(Client client) {
        return new Builder(client);
    }

    /**
     * Runs all jobs and returns when every one has finished or failed. Jobs start in list
     * order as places free up (with a concurrency of 1 they run one after the other, in
     * order); a job whose host is at its limit waits without holding a place, so that the
     * jobs of other hosts after it start meanwhile, and so does a job waiting to retry (it
     * keeps its host's place, and takes the next free one when its wait is over).
     *
     * <p>Interrupted, it stops every job (a blocked read or a wait ends at once; their part
     * files stay), waits for them to stop, and throws a {@link DownloadInterruptedException}
     * whose report has the jobs that finished as they ended and the others as failed with
     * {@link Report.Error#interrupted(String)}.
     *
     * <pre>{@code
     * Report report;
     * try {
     *     report = downloader.run(jobs);
     * } catch (DownloadInterruptedException e) {
     *     report = e.report();
     * }
     * }</pre>
     *
     * @throws DownloadInterruptedException when interrupted (an {@link InterruptedException})
     */
    public Report run(List<DownloadJob> jobs) throws DownloadInterruptedException {
        long start = System.nanoTime();
        OutputNames names = new OutputNames();
        // Claimed here, in list order, before any job starts: duplicates are numbered in the
        // order of the list, not in the order responses arrive, and every job has a path from
        // the start, so a job that fails before any response still says which file it is.
        // Names the caller gave come first: a name taken from a URL is only provisional (the
        // response may give another), and must not push a chosen name onto a number.
        Path[] provisional = new Path[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            if (jobs.get(i).target() != null) {
                provisional[i] = names.claim(provisionalPath(jobs.get(i)), this::isReserved);
            }
        }
        for (int i = 0; i < jobs.size(); i++) {
            if (jobs.get(i).target() == null) {
                provisional[i] = names.claim(provisionalPath(jobs.get(i)), this::isReserved);
            }
        }
        Report.Item[] items = new Report.Item[jobs.size()];
        // Set before the jobs are interrupted: a job that then fails says it was interrupted,
        // whatever its read or write threw, and is not retried.
        AtomicBoolean cancelled = new AtomicBoolean();
        // The jobs' threads not yet seen to end: pruned as the run goes, so that a list of
        // 100,000 URLs does not keep 100,000 ended threads (and their stacks' objects) until
        // the end. An ended thread seen by isAlive() has its item visible here (JLS 17.4.4).
        List<Thread> threads = new ArrayList<>();
        JobQueue queue = new JobQueue(jobs);
        if (Thread.interrupted()) {
            // Told to stop before anything started: the report still has every job, none begun.
            for (int i = 0; i < items.length; i++) {
                items[i] = notStarted(jobs.get(i), provisional[i]);
            }
            throw new DownloadInterruptedException(report(items, start));
        }
        try {
            for (int next = queue.take(); next >= 0; next = queue.take()) {
                if (threads.size() >= 2L * concurrency) {
                    threads.removeIf(t -> !t.isAlive()); // about half of them: amortised constant
                }
                int index = next;
                DownloadJob job = jobs.get(index);
                threads.add(Thread.ofVirtual().name("sluice-download-" + index).start(() -> {
                    try {
                        items[index] = new JobRun(job, names, provisional[index], cancelled, queue, index).execute();
                    } finally {
                        queue.release(index);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            cancelled.set(true);
            threads.forEach(Thread::interrupt);
            // Every job ends soon once interrupted; the report must say how each one ended.
            joinUninterruptibly(threads);
            for (int i = 0; i < items.length; i++) {
                if (items[i] == null) {
                    items[i] = notStarted(jobs.get(i), provisional[i]);
                }
            }
            throw new DownloadInterruptedException(report(items, start));
        }
        return report(items, start);
    }

    /**
     * Which job starts next: the first in list order whose host is below its limit, once fewer
     * than the limit in total run. A job whose host is at its limit holds no place: the
     * jobs of other hosts after it start meanwhile, and it starts when its host frees up,
     * still before the later jobs of its own host. With one host, or a concurrency of 1, that
     * is plain list order.
     */
    private final class JobQueue {
        private final ReentrantLock lock = new ReentrantLock();
        /** Signalled when a job ends: a place, and maybe its host, freed up. */
        private final Condition freed = lock.newCondition();
        /** Guarded by lock: per host, its jobs not yet started, in list order. */
        private final Map<String, ArrayDeque<Integer>> waiting = new HashMap<>();
        /** Guarded by lock: per host, its jobs running. */
        private final Map<String, Integer> runningPerHost = new HashMap<>();
        /** Guarded by lock: the first waiting job of each host below its limit; the least starts first. */
        private final TreeSet<Integer> startable = new TreeSet<>();
        private final String[] hostOfJob;
        /** Guarded by lock. */
        private int running;
        private int left;
        /** Guarded by lock: the jobs waiting to retry, which hold no place (see {@link #pause}). */
        private final boolean[] paused;
        /** Guarded by lock: the jobs back from their wait and waiting for a place, which they get first. */
        private int resuming;

        JobQueue(List<DownloadJob> jobs) {
            hostOfJob = new String[jobs.size()];
            paused = new boolean[jobs.size()];
            for (int i = 0; i < jobs.size(); i++) {
                hostOfJob[i] = hostOf(jobs.get(i).uri());
                waiting.computeIfAbsent(hostOfJob[i], h -> new ArrayDeque<>()).add(i);
            }
            for (ArrayDeque<Integer> q : waiting.values()) {
                startable.add(q.peekFirst());
            }
            left = jobs.size();
        }

        /** Waits for the next job that may start and counts it as running; -1 when every job has started. */
        int take() throws InterruptedException {
            lock.lock();
            try {
                while (left > 0 && (running >= concurrency || startable.isEmpty() || resuming > 0)) {
                    freed.await();
                }
                if (left == 0) {
                    return -1;
                }
                int index = startable.pollFirst();
                String host = hostOfJob[index];
                ArrayDeque<Integer> q = waiting.get(host);
                q.pollFirst();
                int onHost = runningPerHost.merge(host, 1, Integer::sum);
                if (!q.isEmpty() && onHost < perHost) {
                    startable.add(q.peekFirst());
                }
                running++;
                left--;
                return index;
            } finally {
                lock.unlock();
            }
        }

        /** The job {@code index} ended: its place and its host's are free. */
        void release(int index) {
            lock.lock();
            try {
                String host = hostOfJob[index];
                int onHost = runningPerHost.merge(host, -1, Integer::sum);
                ArrayDeque<Integer> q = waiting.get(host);
                if (onHost == perHost - 1 && !q.isEmpty()) {
                    startable.add(q.peekFirst());
                }
                if (paused[index]) {
                    paused[index] = false; // interrupted in its wait: it held no place
                } else {
                    running--;
                }
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /**
         * The job {@code index} waits to retry (a Retry-After of minutes, perhaps): it downloads
         * nothing meanwhile, so its place goes to the next job that may start, of another host.
         * Its host's place it keeps: a server that asked to wait is not sent more requests.
         */
        void pause(int index) {
            lock.lock();
            try {
                paused[index] = true;
                running--;
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** The job {@code index} is back from its wait: it takes the next free place, before any job not yet started. */
        void resume(int index) throws InterruptedException {
            lock.lock();
            try {
                resuming++;
                try {
                    while (running >= concurrency) {
                        freed.await();
                    }
                } finally {
                    resuming--;
                }
                paused[index] = false;
                running++;
                freed.signalAll(); // take() may have waited for this job to go first
            } finally {
                lock.unlock();
            }
        }
    }

    private static Report report(Report.Item[] items, long startNanos) {
        long totalBytes = 0;
        for (Report.Item item : items) {
            totalBytes += item.bytes();
        }
        return new Report(List.of(items), totalBytes, (System.nanoTime() - startNanos) / 1e9);
    }

    /** The item of a job that an interrupt stopped before it began. */
    private static Report.Item notStarted(DownloadJob job, Path provisional) {
        return new Report.Item(Request.hidePasswords(job.uri().toString()), provisional.toString(), false, null,
                new PartFile(provisional).heldBytes(), 0, 0, Report.Error.interrupted(job.uri().toString()));
    }

    /**
     * The host a job's URL names, the key of the per-host limit. java.net.URI leaves a name
     * such as {@code my_host} unparsed (the client takes it all the same): it is then read
     * from the raw authority, so that such hosts do not all share one key. An international
     * name counts as its ASCII form, whichever way the URL wrote it ({@code bücher.example},
     * {@code b%C3%BCcher.example}, {@code xn--bcher-kva.example}): one server, one limit.
     */
    static String hostOf(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            String authority = Objects.requireNonNullElse(uri.getRawAuthority(), "");
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            host = FileNames.percentDecode(host, java.nio.charset.StandardCharsets.UTF_8).orElse(host);
            try {
                host = java.net.IDN.toASCII(host);
            } catch (IllegalArgumentException notAName) {
                // Kept as written: the request fails on it with its own error.
            }
        }
        return host.toLowerCase(java.util.Locale.ROOT);
    }

    /** Why a Retry-After ended a job: it asked for a longer wait than {@link RetryPolicy#MAX_RETRY_AFTER}. */
    static String retryAfterOverTheLimit(Duration retryAfter) {
        // The cap stands for a number the server sent but a long cannot hold: not a figure to quote.
        String seconds = retryAfter.equals(RetryAfter.BEYOND_COUNTING) ? "more than " + Long.MAX_VALUE
                : String.valueOf(retryAfter.toSeconds());
        return "Retry-After of " + seconds + " s is over the "
                + RetryPolicy.MAX_RETRY_AFTER.toMinutes() + "-minute limit";
    }

    /** At most {@link #MAX_QUOTED_CHARS} of a Location, marked where it was cut. */
    private static String excerpt(String text) {
        return excerpt(text, MAX_QUOTED_CHARS);
    }

    /** At most {@code maxChars} of a server's text, marked where it was cut. */
    private static String excerpt(String text, int maxChars) {
        return text.length() <= maxChars ? text : text.substring(0, maxChars) + "...";
    }

    /** Waits for every thread to end, an interrupt meanwhile kept for after. */
    static void joinUninterruptibly(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException again) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The path a job has until a response names another file: its target, or in the
     * directory the name its URL path gives.
     */
    private Path provisionalPath(DownloadJob job) {
        if (job.target() != null) {
            return job.target().isAbsolute() ? job.target() : directory.resolve(job.target());
        }
        return directory.resolve(FileNames.choose(job.uri(), null));
    }

    /** Whether writing {@code p} would write a reserved path: {@code p} itself, or its {@code NAME.part}. */
    private boolean isReserved(Path p) {
        if (reserved.isEmpty()) {
            return false;
        }
        // Asked for every name of every job: PathEntry tells other names apart without the file system.
        Path part = PartFile.pathOf(p);
        return reserved.stream().anyMatch(r -> r.isEntryOf(p) || r.isEntryOf(part));
    }

    /**
     * Whether a name the server chose may not be written by the download of {@code url} (as
     * {@link PartFile#recordedUrl} gives it): it is reserved, or something is there already (a
     * directory, a link, a file: this run did not make it, and the user did not name it) other
     * than a regular file that an earlier download of this same URL left (its recorded URL is
     * {@code url}), or its {@code NAME.part} is another URL's. A part without a recorded URL
     * does not count: --continue resumes it, as ever; nor does a part of this URL's. Where the
     * file system keeps no extended attributes nothing is recorded, and any file there counts.
     */
    private boolean isOccupied(Path p, String url) {
        if (isReserved(p)) {
            return true;
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                && PartFile.recordedUrlOf(p).filter(url::equals).isPresent())) {
            return true;
        }
        return PartFile.recordedUrlOf(PartFile.pathOf(p)).filter(u -> !u.equals(url)).isPresent();
    }

    /**
     * Whether {@code p}, as written, is a name directly in the directory: its parent, made
     * absolute, is the directory made absolute, written the same way (the default {@code .} and
     * the empty path included), and its name is no {@code .} or {@code ..}. For such a path
     * {@link FileNames#staysInside} can only say yes: the file itself is not followed, and its
     * parent read through its links is the directory read through its links, so its two reads
     * of the directory's real path are skipped for every file.
     */
    private boolean isDirectlyInDirectory(Path p) {
        Path name = p.getFileName();
        return name != null && !name.toString().equals(".") && !name.toString().equals("..")
                && absoluteDirectory.equals(p.toAbsolutePath().getParent());
    }

    /**
     * A GET of {@code job}'s URL with the configured header fields, asking for no content coding
     * unless they name one themselves.
     */
    Request.Builder newRequest(DownloadJob job) {
        Request.Builder rb = Request.newBuilder(job.uri());
        boolean codingAsked = false;
        for (String[] h : headers) {
            rb.header(h[0], h[1]);
            codingAsked |= h[0].equalsIgnoreCase("Accept-Encoding");
        }
        // Asked for no coding, the server sends the bytes of the file itself: a checksum is of
        // them, whatever the client would decode.
        return codingAsked ? rb : rb.setHeader("Accept-Encoding", "identity");
    }

    /**
     * One job's attempts. The job starts under the path claimed for it in {@link #run} (its
     * target, or the name its URL path gives). A job without a target takes the name a
     * successful response gives instead (Content-Disposition, or the path of the URL it was
     * redirected to) as long as it has written nothing in this run; error responses do not
     * name files.
     */
    private final class JobRun {
        private final DownloadJob job;
        private final OutputNames names;
        private final long start = System.nanoTime();
        /** The path claimed for the job now; where its file goes, and what the report names. */
        private Path target;
        /** The path that was asked for when {@link #target} was claimed: without a duplicate's number. */
        private Path wanted;
        /** Whether {@link #target} is in the directory, to be checked for symbolic links out of it. */
        private final boolean inDirectory;
        /** What this run wrote to the part file, so that a retry can resume it; null until then. */
        private PartFile.Source written;
        /**
         * Whether the file comes in one stream from now on: the probe's answer chose it, or a
         * segmented download failed because ranges did not work, or a part to continue is one.
         */
        private boolean oneStream;
        /** Whether a segmented download began to write the part file (it keeps no {@link #written}). */
        private boolean segmentsWritten;
        /** Whether a request was repeated with Range for the part of a name the response gave. */
        private boolean repeatedForNamedPart;
        private Integer lastStatus;
        private Optional<Duration> retryAfter = Optional.empty();
        /** Attempts begun so far, shared with the segments of a segmented attempt. */
        private final Attempts attempts = new Attempts(retryPolicy.retries());
        /** Whether the last failure is the server's final answer, not to be asked again (a 3xx that is not the file). */
        private boolean finalAnswer;
        private final AtomicBoolean cancelled;
        /** Whether the job waits before a retry (the next attempt is counted, not yet made); its own thread's. */
        private boolean waitingToRetry;
        /** The lock on the part of {@link #target}, taken before anything is asked or written; null before. */
        private PartLock lock;

        /** Where the job's place comes from, and its index there: a wait to retry gives the place up. */
        private final JobQueue queue;
        private final int index;

        JobRun(DownloadJob job, OutputNames names, Path claimed, AtomicBoolean cancelled, JobQueue queue, int index) {
            this.queue = queue;
            this.index = index;
            this.job = job;
            this.names = names;
            this.cancelled = cancelled;
            this.target = claimed;
            this.wanted = provisionalPath(job);
            this.inDirectory = job.target() == null || !job.target().isAbsolute();
        }

        Report.Item execute() {
            try {
                Report.Item item;
                try {
                    item = attempts();
                } catch (InterruptedException e) {
                    item = interrupted();
                }
                return removeFailedFile(item);
            } finally {
                if (lock != null) {
                    lock.release();
                }
            }
        }

        /**
         * See {@link Builder#removeFailedFiles}: done while the part is still locked, so that a
         * file another run makes under this name once the lock is free is never removed.
         */
        private Report.Item removeFailedFile(Report.Item item) {
            if (!removeFailedFiles || item.ok() || item.error().isPartInUse() || lock == null
                    || (item.error().isInterruption() && (lastStatus == null || lastStatus == 304))) {
                return item;
            }
            if (!FileNames.staysInside(directory, target)) {
                return item; // a file reached through a symbolic link out of the directory is not the run's to remove
            }
            try {
                if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(target)) {
                    Files.deleteIfExists(target);
                }
                return item;
            } catch (IOException e) {
                Report.Error error = new Report.Error(item.error().kind(), item.error().message() + "; " + target
                        + " could not be removed: " + e.getMessage());
                return new Report.Item(item.url(), item.path(), false, item.httpStatus(), item.bytes(), item.seconds(),
                        item.attempts(), error);
            }
        }

        private Report.Item attempts() throws InterruptedException {
            while (true) {
                finalAnswer = false;
                try {
                    PartFile.Result r = attemptOnce();
                    listener.on(new ProgressEvent.Finished(job, target, r.size(), elapsed()));
                    return item(true, r.size(), null);
                } catch (IOException | RuntimeException e) {
                    if (cancelled.get()) {
                        // Whatever the interrupt made the read or write throw, the job did not fail.
                        return interrupted();
                    }
                    Exception cause = e instanceof UncheckedIOException u ? u.getCause() : e;
                    if (cause instanceof HttpStatusException h) {
                        lastStatus = h.status();
                    } else if (cause instanceof ProtocolViolationException p && p.redirectStatus() != 0) {
                        lastStatus = p.redirectStatus();
                    }
                    boolean retryable = !finalAnswer && RetryPolicy.isRetryable(cause);
                    // Segments may have taken retries of this attempt's: they count too.
                    boolean retriesLeft = attempts.retriesLeft();
                    if (!retryable || !retriesLeft || !retryPolicy.allowsWaiting(retryAfter)) {
                        // Said only when it is why a failure that is retried otherwise was not.
                        Optional<String> notRetried = retryable && retriesLeft
                                ? retryAfter.map(Downloader::retryAfterOverTheLimit) : Optional.empty();
                        listener.on(new ProgressEvent.Failed(job, target, cause, elapsed(), notRetried));
                        Report.Error error = Report.Error.of(cause);
                        String shownUrl = Request.hidePasswords(job.uri().toString());
                        // The library's messages quote a URL longer than 2,048 characters cut there.
                        boolean named = error.message().startsWith(shownUrl + ": ") || (shownUrl.length() > 2048
                                && error.message().startsWith(shownUrl.substring(0, 2048)));
                        if (!named) {
                            // Every message starts with the item's URL: a local error's names a
                            // file, and after a redirect the others name the URL redirected to.
                            error = new Report.Error(error.kind(), shownUrl + ": " + error.message());
                        }
                        if (notRetried.isPresent()) {
                            error = new Report.Error(error.kind(), error.message() + " (not retried: " + notRetried.get() + ")");
                        }
                        return item(false, new PartFile(target).heldBytes(), error);
                    }
                    int failed = attempts.retry();
                    Duration delay = retryPolicy.delayFor(failed, retryAfter);
                    listener.on(new ProgressEvent.Retry(job, failed, cause, delay));
                    queue.pause(index);
                    waitingToRetry = true;
                    sleeper.sleep(delay);
                    queue.resume(index);
                    waitingToRetry = false;
                }
            }
        }

        private PartFile.Result attemptOnce() throws IOException, InterruptedException {
            retryAfter = Optional.empty();
            PartFile part = openPart();
            // A 200 to the probe: the whole file, as a plain GET would have it, body unread.
            Response pending = null;
            long pendingSent = 0;
            // A part an interrupted -s run left is continued in its segments, -s given again or
            // not: in one stream its record would count none of its bytes.
            int wanted = segments > 1 ? segments : resume || segmentsWritten ? recordedSegments(part) : 1;
            if (wanted > 1 && !oneStream) {
                var segmented = new SegmentedDownload(client, job, () -> newRequest(job), retryPolicy, attempts,
                        sleeper, rateLimiter, listener);
                SegmentedDownload.ProbeResult probed;
                try {
                    probed = segmented.probe();
                } catch (IOException | RuntimeException e) {
                    retryAfter = segmented.retryAfter(); // a 503 to the probe is waited for as to a plain GET
                    if (segmented.failedStatus() != 0) {
                        lastStatus = segmented.failedStatus();
                    }
                    throw e;
                }
                SegmentedDownload.Probe probe = probed.probe();
                int count = probe == null ? 1 : SegmentedDownload.segmentsFor(probe.size(), wanted);
                if (count > 1) {
                    lastStatus = 206;
                    if (takeNameFrom(probe.uri(), probe.contentDisposition())) {
                        part = openPart();
                    }
                    if (resume && continuesInOneStream(part, probe)) {
                        // Left by a run that fell back to one stream (or ran without -s): its
                        // bytes are the start of this very version, which splitting would throw away.
                        oneStream = true;
                        return attemptInOneStream(part, attempts.current(), null, 0);
                    }
                    // A record this run wrote is continued by its next attempt; one an earlier run
                    // left, only with --continue (a failed probe is no reason to take it up).
                    boolean continueRecord = resume || segmentsWritten;
                    segmentsWritten = true;
                    try {
                        return segmented.run(part, probe, count, continueRecord);
                    } catch (IOException | RuntimeException e) {
                        if (segmented.failedStatus() != 0) {
                            lastStatus = segmented.failedStatus();
                        }
                        if (!(segmented.rangesFailed() || segmented.notPreallocated()) || cancelled.get()) {
                            // The failed segment's Retry-After: waited for, or over the limit, ends
                            // the job. Only with this failure: it says nothing of the one stream below.
                            retryAfter = segmented.retryAfter();
                            throw e;
                        }
                        // A server that answered the probe's range but not a segment's would do
                        // so again after a new probe (and a size the part could not be made would
                        // be claimed again): the file comes whole, in this attempt (no retry and
                        // no wait: nothing failed that asking for it whole would not avoid), and
                        // in one stream in any later one. The segments' part is gone.
                        oneStream = true;
                    }
                } else {
                    // The probe's answer chose one stream (a 200, a 416, no validator, a small
                    // file): a retry would only ask it again, and for a 200 open the whole file twice.
                    oneStream = true;
                    pending = probed.unread();
                    pendingSent = probed.sentNanos();
                }
            }
            try {
                // Read now: segments that ran before a fall-back to one stream may have taken retries.
                return attemptInOneStream(part, attempts.current(), pending, pendingSent);
            } finally {
                if (pending != null) {
                    pending.close(); // harmless when it was used: closed already
                }
            }
        }

        /**
         * How many segments the record of an earlier -s run on {@code part} holds while some are
         * unfinished; 1 for none (a complete one is finished in one stream, by a 416).
         */
        private int recordedSegments(PartFile part) {
            if (part.isOfAnotherUrl(job)) {
                return 1;
            }
            return part.attribute(PartFile.SEGMENTS_ATTRIBUTE).flatMap(SegmentRecord::parse)
                    .filter(r -> !r.isComplete()).map(r -> r.segments().length).orElse(1);
        }

        /**
         * Whether, with --continue, {@code part} is a one-stream part (no segments record) whose
         * bytes are the start of the version the probe found: the same strong validator, and the
         * same length where one was stored. It is then resumed in one stream, with Range from its
         * length and If-Range, rather than split: a plan made afresh would overwrite it.
         */
        private boolean continuesInOneStream(PartFile part, SegmentedDownload.Probe probe) throws IOException {
            if (part.attribute(PartFile.SEGMENTS_ATTRIBUTE).isPresent()) {
                return false;
            }
            PartFile.Source stored = part.storedSource(job);
            return stored.validator().filter(probe.validator()::equals).isPresent()
                    && stored.length().orElse(probe.size()) == probe.size()
                    && part.resumableBytes(stored) > 0;
        }

        /**
         * One attempt in one stream: resumes what the part holds when it can, else asks for the
         * whole file; {@code pending}, when not null, is the answer to such a request already
         * (a 200 to the probe), used when there is nothing to resume; {@code pendingSent} is
         * when it was sent ({@code System.nanoTime()}), where its total timeout began.
         */
        private PartFile.Result attemptInOneStream(PartFile part, int attempt, Response pending, long pendingSent)
                throws IOException, InterruptedException {
            boolean startedOver = false;
            while (true) {
                // Only a part this run wrote, or one --continue was asked to take up, is resumed.
                PartFile.Source source = written != null ? written : resume ? part.storedSource(job) : PartFile.Source.UNKNOWN;
                long offset = part.resumableBytes(source);
                Request.Builder rb = newRequest(job);
                if (offset > 0) {
                    rb.setHeader("Range", "bytes=" + offset + "-");
                    rb.setHeader("If-Range", source.validator().orElseThrow());
                }
                Response answer;
                long sent = pendingSent;
                boolean probeAnswer = pending != null && offset == 0;
                if (probeAnswer) {
                    answer = pending;
                } else {
                    if (pending != null) {
                        pending.close();
                    }
                    sent = System.nanoTime();
                    answer = client.send(rb.build());
                }
                pending = null;
                try (Response response = answer) {
                    lastStatus = response.status();
                    // The probe hands over a 206 only when its range is the whole file: that is
                    // the file, as a 200 to the probe would be, not the rest of a part.
                    int status = probeAnswer && response.status() == 206 ? 200 : response.status();
                    if (status == 416 && offset > 0 && !startedOver && ofAnotherVersion(response, part, source)) {
                        // The part was deleted: ask again for the whole file, this time without Range.
                        startedOver = true;
                        continue;
                    }
                    if (status >= 200 && status < 300 && status != 206
                            && takeNameFrom(response.uri(), response.headers().first("Content-Disposition").orElse(null))) {
                        part = openPart();
                        if (status == 200 && resumesUnderThisResponse(part, response)) {
                            // The earlier run's part of this name holds the start of this very
                            // version: ask again for the rest of it, leaving this body unread.
                            repeatedForNamedPart = true;
                            continue;
                        }
                    }
                    return receive(response, status, part, attempt, offset, source, sent);
                }
            }
        }

        /**
         * Takes the name a successful response gives, when it is another than the job's and the
         * job may still change its name: it has no target of its own and has written nothing in
         * this run. Says whether the name changed.
         */
        private boolean takeNameFrom(URI uri, String contentDisposition) {
            if (job.target() != null || written != null || segmentsWritten) {
                return false;
            }
            Path named = directory.resolve(FileNames.choose(uri, job.uri(), contentDisposition));
            if (named.equals(wanted)) {
                return false;
            }
            if (lock != null) {
                // Before the name goes back: another job may claim it, and must find its part free.
                lock.release();
                lock = null;
            }
            names.release(target);
            // The server chose this name, not the user: it never replaces what is there (nor
            // removes it, should the download fail), but takes the next number, as wget does,
            // unless what is there is this URL's own download from an earlier run: re-running
            // the same command must not pile up a.1.txt, a.2.txt... nor take another URL's part.
            String url = PartFile.recordedUrl(job);
            target = names.claim(named, p -> isOccupied(p, url));
            wanted = named;
            return true;
        }

        /**
         * Whether, with --continue, nothing yet written in this run, and no request repeated
         * already, {@code part} holds bytes to resume under a strong validator that is this
         * response's too.
         */
        private boolean resumesUnderThisResponse(PartFile part, Response response) throws IOException {
            if (!resume || written != null || repeatedForNamedPart || response.body().isDecoded()) {
                return false;
            }
            PartFile.Source stored = part.storedSource(job);
            return stored.validator().isPresent()
                    && stored.validator().equals(PartFile.strongValidator(response.headers()))
                    && part.resumableBytes(stored) > 0;
        }

        /**
         * The part file of {@link #target}, checked to stay in the directory and not to be one
         * (an IOException, not retried); a symbolic link in its place is removed (the link, never
         * what it points to): it is not a part this downloader wrote, and writing through it
         * would write wherever it points.
         */
        private PartFile openPart() throws IOException {
            if (inDirectory && !isDirectlyInDirectory(target) && !FileNames.staysInside(directory, target)) {
                boolean textually = target.toAbsolutePath().normalize().startsWith(directory.toAbsolutePath().normalize());
                throw new IOException(Request.hidePasswords(job.uri().toString()) + ": " + target + " leads out of the directory "
                        + FileNames.normalize(directory.toAbsolutePath()) + (textually ? " through a symbolic link" : ""));
            }
            // Found now, before a request: the rename at the end would fail on a directory, after
            // the whole download. A symbolic link there is no directory: the rename replaces it.
            if (PartFile.isDirectoryNotFollowed(target)) {
                throw new IOException(Request.hidePasswords(job.uri().toString()) + ": " + target + " is a directory");
            }
            for (Path above = target.toAbsolutePath().getParent(); above != null; above = above.getParent()) {
                if (Files.isDirectory(above)) {
                    break; // the nearest that exists is a directory: the rest can be made in it
                }
                if (Files.exists(above, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(Request.hidePasswords(job.uri().toString()) + ": " + target
                            + ": " + above + " is not a directory");
                }
            }
            Path partPath = PartFile.pathOf(target);
            if (lock == null || !lock.part().equals(partPath)) {
                if (lock != null) {
                    lock.release();
                    lock = null;
                }
                // The part's directory is made first (a list's sub/file may name one that is not
                // there yet): the lock knows a part by its directory (see PartLock.offset).
                Path parent = partPath.toAbsolutePath().getParent();
                if (parent != null && !Files.isDirectory(parent)) {
                    Files.createDirectories(parent);
                }
                // Before the part is looked at: another run into this directory may be writing it.
                lock = PartLock.tryLock(partPath).orElseThrow(() -> new IOException(
                        Request.hidePasswords(job.uri().toString()) + ": " + partPath + ": " + Report.Error.PART_IN_USE));
            }
            PartFile part = new PartFile(target);
            part.removeSymbolicLink();
            return part;
        }

        /**
         * Whether a 416 to a resumed request names another version than the part's (a server
         * that ignores If-Range may still say which version it has): then the part is no start
         * of the file it has now, however long, and it is deleted.
         */
        private boolean ofAnotherVersion(Response response, PartFile part, PartFile.Source source) {
            if (PartFile.validatorMismatch(source.validator().orElseThrow(), response.headers()).isEmpty()) {
                return false;
            }
            part.deleteQuietly();
            written = null;
            return true;
        }

        /**
         * Handles the response to one request: a status that fails the attempt, or the body into
         * the part. {@code status} is the response's, but 200 for the probe's 206 of the whole file.
         */
        private PartFile.Result receive(Response response, int status, PartFile part, int attempt, long offset,
                                        PartFile.Source source, long sentNanos) throws IOException, InterruptedException {
            if (status >= 300 && status < 400) {
                return notTheBody(response);
            }
            if (status == 416 && offset > 0) {
                // The part may already hold the whole file: Content-Range says "bytes */SIZE".
                // Without one (Apache, lighttpd: RFC 9110 §15.5.17 only says SHOULD), a part of
                // the length recorded with its validator, which If-Range sent, is the file too.
                long held = offset;
                Optional<String> contentRange = response.headers().first("Content-Range");
                boolean whole = contentRange.isEmpty()
                        ? source.length().equals(OptionalLong.of(held))
                        : ContentRange.unsatisfiedSize(contentRange.get())
                                .filter(size -> size == held && source.length().orElse(size) == size).isPresent();
                if (!whole) {
                    throw discardPart(part, attempt, "server refused to resume at byte " + offset + " (416)");
                }
                return part.complete(job, offset);
            }
            try {
                response.raiseForStatus(); // 400 and more, and an invalid status below 100 (RFC 9110 §15)
            } catch (HttpStatusException e) {
                RetryAfter.of(response).ifPresent(d -> retryAfter = Optional.of(d));
                throw e;
            }
            long from = 0;
            OptionalLong end = response.body().contentLength();
            if (status != response.status()) {
                // The probe's 206 of the whole file: its Content-Range, checked, says where it ends.
                end = ContentRange.parse(response.headers().first("Content-Range").orElse(""))
                        .map(ContentRange::completeLength).orElse(end);
            }
            OptionalLong length = end;
            if (status == 206) {
                ContentRange range = checkPartialContent(response, part, attempt, offset, source);
                from = offset;
                end = OptionalLong.of(range.last() + 1);
                length = range.completeLength().isPresent() ? range.completeLength() : end;
            }
            // A 206 continues the part's source; anything else starts a new one from byte 0.
            // A body the client decodes (a server may compress though asked not to) gets no
            // validator: the part holds decoded bytes, while a Range would count encoded ones.
            written = status == 206 ? new PartFile.Source(source.validator(), length, source.coding())
                    : response.body().isDecoded() ? PartFile.Source.UNKNOWN
                    : PartFile.Source.of(response.headers(), length);
            listener.on(new ProgressEvent.Started(job, target, attempt, from, end));
            return part.write(job, response, from, end, written, rateLimiter,
                    RateLimiter.deadline(client, sentNanos), listener);
        }

        /**
         * A 3xx that reached the downloader (the client follows redirects that have a Location):
         * its body is never the file. A 304 to the caller's own If-None-Match or
         * If-Modified-Since says that the file at the final path is current: nothing is
         * written, the file is verified against the job's checksum, if any, and the result is
         * its size. Without a regular file there (none, or a symbolic link) the 304 cannot be
         * true of it, and the job fails. Any other fails the job, without a retry: the server
         * gave its answer.
         */
        private PartFile.Result notTheBody(Response response) throws IOException {
            int status = response.status();
            if (status == 304 && conditional) {
                // Not through a symbolic link, as nothing else here is: the rename at the end of
                // a download replaces a link at the final path, so a link is not the file.
                if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                    finalAnswer = true;
                    throw new ProtocolViolationException(response.uri(), "304 Not Modified but there is no file at "
                            + target + (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                                    ? " (" + (Files.isSymbolicLink(target) ? "a symbolic link" : "not a regular file") + " is there)"
                                    : ""), -1, null);
                }
                // The file there is the one the server vouches for: a checksum still applies to it.
                return new PartFile(target).verifyCurrent(job);
            }
            String why;
            if (status == 304) {
                why = "a 304 Not Modified to a request without If-None-Match or If-Modified-Since";
            } else if (!FOLLOWED_REDIRECTS.contains(status)) {
                why = "a 3xx status that is no redirect to follow";
            } else {
                why = response.headers().first("Location")
                        .map(l -> "a redirect to " + excerpt(l) + " that was not followed")
                        .orElse("a redirect without a Location");
            }
            finalAnswer = true;
            throw new ProtocolViolationException(response.uri(), "HTTP " + status
                    + (response.reason().isEmpty() ? "" : " " + excerpt(response.reason(), MAX_QUOTED_FIELD_CHARS))
                    + " is not the file: " + why, -1, null);
        }

        /**
         * The range of a 206, checked against the request: one that was not asked for, or not for
         * the rest of the part's file, or under another validator, cannot be appended to the part.
         */
        private ContentRange checkPartialContent(Response response, PartFile part, int attempt, long offset,
                                                 PartFile.Source source) throws ProtocolViolationException {
            if (offset == 0) {
                throw new ProtocolViolationException(job.uri(), "206 Partial Content to a request without Range", -1, null);
            }
            String coding = PartFile.coding(response.headers());
            if (!coding.equals(source.coding())) {
                // A range counts the bytes in its coding; the part holds them in another.
                throw discardPart(part, attempt, "206 Partial Content " + (coding.isEmpty() ? "in no content coding"
                        : "in the content coding " + excerpt(coding, MAX_QUOTED_FIELD_CHARS)) + ", but the part file holds the bytes "
                        + (source.coding().isEmpty() ? "in none" : "in " + excerpt(source.coding(), MAX_QUOTED_FIELD_CHARS)));
            }
            // A server that ignores If-Range may still say which version it sends.
            Optional<String> changed = PartFile.validatorMismatch(source.validator().orElseThrow(), response.headers());
            if (changed.isPresent()) {
                throw discardPart(part, attempt, "206 Partial Content " + changed.get());
            }
            try {
                return ContentRange.checkResumed(response.headers().first("Content-Range").orElse(""), offset,
                        source.length(), response.body().contentLength());
            } catch (ContentRange.Mismatch e) {
                throw discardPart(part, attempt, e.getMessage());
            }
        }

        /**
         * Deletes a part the server would not continue, and says so: the next attempt, if any,
         * starts over from byte 0; without one, a later run does.
         */
        private ProtocolViolationException discardPart(PartFile part, int attempt, String problem) {
            part.deleteQuietly();
            written = null;
            String consequence = attempt <= retryPolicy.retries() ? "starting over" : "the part file was deleted";
            return new ProtocolViolationException(job.uri(), problem + "; " + consequence, -1, null);
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - start);
        }

        /** {@code bytes}: the size of the file when {@code ok}, else what its part file holds. */
        private Report.Item item(boolean ok, long bytes, Report.Error error) {
            // Stopped in the wait before a retry, the attempt counted for it was never made.
            int made = waitingToRetry ? attempts.current() - 1 : attempts.current();
            return new Report.Item(Request.hidePasswords(job.uri().toString()), target.toString(), ok, lastStatus,
                    bytes, elapsed().toNanos() / 1e9, made, error);
        }

        /** The item of this job when its run was interrupted before it ended. */
        Report.Item interrupted() {
            return item(false, new PartFile(target).heldBytes(), Report.Error.interrupted(job.uri().toString()));
        }
    }

    /** Builds a {@link Downloader}. */
    public static final class Builder {
        private final Client client;
        private Path directory = Path.of(".");
        private int concurrency = 8;
        private int perHost;
        private RetryPolicy retryPolicy = RetryPolicy.of(3);
        private boolean resume;
        private boolean removeFailedFiles;
        private long bytesPerSecond;
        private int segments = 1;
        private final List<String[]> headers = new ArrayList<>();
        private final List<Path> reserved = new ArrayList<>();
        private ProgressEvent.Listener listener = e -> { };
        private Sleeper sleeper = d -> Thread.sleep(d);

        private Builder(Client client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** Where files without an absolute target go; default the working directory. */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Downloads at once; default 8. */
        public Builder concurrency(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1: " + n);
            }
            this.concurrency = n;
            return this;
        }

        /** Downloads at once from one host; default the same as {@link #concurrency}. */
        public Builder perHost(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("per-host limit must be at least 1: " + n);
            }
            this.perHost = n;
            return this;
        }

        /**
         * When failed jobs are retried; default {@code RetryPolicy.of(3)}. Its retries are of
         * each file in all: a segment of a {@linkplain #segments split} file that is retried
         * in place takes one of them, as a retry of the whole file does; segments that fail
         * in the same attempt (one blip hitting them all) take one between them.
         */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy);
            return this;
        }

        /**
         * Whether a part file left by an earlier run is resumed (curl's {@code -C -}, aria2c's
         * {@code -c}): one whose recorded URL is the job's, or that has none recorded. A part
         * another URL left under the same name starts over from byte 0, whatever its validator.
         */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /**
         * Whether a job that fails removes the file at its final path, so that a file there
         * means this run fetched it (the command line's rule; curl and wget keep it): a regular
         * file or a link in the directory, never a directory, nor a path through a link out of
         * it. Not a file a job interrupted before the server answered (or after a 304) had not
         * begun to replace, nor one whose part another download was writing. Removed before the
         * job lets its part go, so that another run that takes it next keeps what it makes. A
         * file that cannot be removed is named in the item's error message. Off by default.
         *
         * <pre>{@code
         * Downloader.builder(client).directory(dir).removeFailedFiles(true).build().run(jobs);
         * }</pre>
         */
        public Builder removeFailedFiles(boolean remove) {
            this.removeFailedFiles = remove;
            return this;
        }

        /**
         * Splits each large file into up to {@code n} byte ranges fetched over as many
         * connections (aria2c's {@code -s}), when the server supports ranges and gives a strong
         * validator (a strong ETag, or a Last-Modified date a second before Date), which every
         * range must answer under; otherwise the file comes in one stream. A segment answered
         * without its range (a server that honoured only the probe's) turns the download into
         * one stream in the same attempt, not through a retry; with {@link #resume}, a part an
         * earlier run left in one stream under the probe's validator is continued in one stream.
         * Default 1.
         */
        public Builder segments(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("segments must be at least 1: " + n);
            }
            this.segments = n;
            return this;
        }

        /**
         * A header field sent with every request of every job (authorisation, a user agent...).
         * An Accept-Encoding given here replaces the downloader's {@code identity}: the server may
         * then send the files in a coding, saved as the client gives them (as served by a client
         * built with {@code decompress(false)}, as the command line's is; else decoded).
         *
         * @throws IllegalArgumentException for Range or If-Range, which the downloader sets
         *                                  itself to resume and to split files
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name);
            if (name.equalsIgnoreCase("Range") || name.equalsIgnoreCase("If-Range")) {
                // Given here, a Range would make every answer a piece the downloader did not ask
                // for, and an If-Range would vouch for a part it has not checked.
                throw new IllegalArgumentException(name + " is set by the downloader itself, to resume and to split files");
            }
            this.headers.add(new String[] {Objects.requireNonNull(name), Objects.requireNonNull(value)});
            return this;
        }

        /**
         * A path no job writes, neither as its file nor as its {@code NAME.part}: one the caller
         * writes or reads itself, such as a report or the list of URLs. A name that would hit it
         * is numbered as a duplicate is ({@code name.1.ext}); a caller that wants an error
         * instead checks the names it gives beforehand (see {@link FileNames#sameEntry}).
         *
         * <pre>{@code
         * Downloader.builder(client).directory(dir).reserve(Path.of("report.json")).build()
         * }</pre>
         */
        public Builder reserve(Path path) {
            this.reserved.add(Objects.requireNonNull(path, "path"));
            return this;
        }

        /**
         * An overall rate limit in bytes per second over all downloads; 0, the default, for none.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder rateLimit(long bytesPerSecond) {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("rate limit must not be negative: " + bytesPerSecond);
            }
            this.bytesPerSecond = bytesPerSecond;
            return this;
        }

        /**
         * Who hears of each job's progress ({@link ProgressEvent}); called on the jobs' own
         * threads, several at once, so it must be thread-safe and quick.
         */
        public Builder listener(ProgressEvent.Listener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** How waits between attempts are made; tests pass one that records and returns. */
        Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        /** The downloader; it can run several lists, one after another or at once. */
        public Downloader build() {
            return new Downloader(this);
        }
    }
}
