package dev.sluice.download;

import dev.sluice.Client;
import dev.sluice.HttpStatusException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.Request;
import dev.sluice.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One large file fetched as N byte ranges over N connections (aria2c's {@code -s}), each
 * written at its offset into one preallocated part file. What each segment has finished is
 * recorded in an extended attribute of the part file (the control record), so a restart with
 * resume continues every segment where it stopped, under the same validator.
 *
 * <p>It applies only when a probe ({@code Range: bytes=0-0}) answers 206 with the full size
 * and a strong validator (see {@link PartFile#strongValidator}), and the file is at least
 * {@link #MIN_SEGMENT_BYTES} per segment; otherwise the caller downloads in one stream (and
 * a 200 to the probe is that stream already). A segment answered with a success other than
 * 206, with a 416 (bytes the probe's size promised that the server will not serve), or with
 * another range than asked for, fails the download and deletes the part, and the caller then
 * asks for the file in one stream, in the same attempt ({@link #rangesFailed}). Without
 * a validator, ranges fetched one after another could be of different versions of the file,
 * and nothing would tell. With one, every segment asks with If-Range, and a segment whose
 * answer names another version (its ETag or Last-Modified) ends the segments: the part is
 * deleted, and the caller asks for the file in one stream, in the same attempt, as for a
 * range that failed (a file that changed once may change again, and servers whose copies
 * carry different ETags answer every new probe so).
 *
 * <p>The control record is written before the part is preallocated and before its validator
 * is stored, so a part stopped at any point is never taken for a whole file (see
 * {@link PartFile#resumableBytes}). With a checksum the file is verified by one read after the
 * segments finish: segments arrive out of order, so the digest cannot follow the stream.
 */
final class SegmentedDownload {
    /** Smaller segments are not worth a connection each. */
    static final long MIN_SEGMENT_BYTES = 1L << 20;
    /**
     * The largest file fetched in segments, 1 PiB: no file served over HTTP comes near it, and
     * a probe that claims more (up to 2^63-1 bytes) is a broken or hostile server, whose file
     * comes in one stream, written as it arrives, never preallocated to the claimed size.
     */
    static final long MAX_SEGMENTED_BYTES = 1L << 50;
    private static final String CONTROL_ATTRIBUTE = PartFile.SEGMENTS_ATTRIBUTE;
    /** The control record is rewritten after this many new bytes in a segment. */
    private static final long RECORD_EVERY_BYTES = 8L << 20;
    /**
     * The least progress between records of a segment: a segment records at least every eighth
     * of itself, so that a killed run of a medium file keeps some of it for --continue.
     */
    private static final long MIN_RECORD_EVERY_BYTES = 1L << 20;

    private final Client client;
    private final DownloadJob job;
    private final Supplier<Request.Builder> requests;
    private final RetryPolicy retryPolicy;
    /** The job's attempts: a segment's retry takes one of the job's retries (see {@link Downloader.Attempts}). */
    private final Downloader.Attempts attempts;
    private final Downloader.Sleeper sleeper;
    private final RateLimiter limiter;
    private final ProgressEvent.Listener listener;
    /** See {@link #rangesFailed}; set by a segment's thread before its failure is published. */
    private volatile boolean rangesFailed;
    /** Held while the control record is formatted and stored: see {@link #writeRecord}. */
    private final ReentrantLock recordLock = new ReentrantLock();
    /** See {@link #failedStatus}. */
    private volatile int failedStatus;
    /** See {@link #retryAfter}; set before the failure it goes with is thrown or published. */
    private volatile Optional<Duration> retryAfter = Optional.empty();
    /** See {@link #notPreallocated}. */
    private boolean notPreallocated;

    SegmentedDownload(Client client, DownloadJob job, Supplier<Request.Builder> requests, RetryPolicy retryPolicy,
                      Downloader.Attempts attempts, Downloader.Sleeper sleeper, RateLimiter limiter,
                      ProgressEvent.Listener listener) {
        this.client = client;
        this.job = job;
        this.requests = requests;
        this.retryPolicy = retryPolicy;
        this.attempts = attempts;
        this.sleeper = sleeper;
        this.limiter = limiter;
        this.listener = listener;
    }

    /**
     * What the probe learnt; {@code validator} is strong and goes in every segment's If-Range;
     * {@code uri} is where the probe was answered (after redirects), which may name the file.
     */
    record Probe(long size, String validator, String contentDisposition, URI uri) {
    }

    /**
     * What the probe got: a {@link Probe} when the file can come in segments; otherwise, when the
     * probe's answer is one a plain GET would have had (a server that ignores Range sends the
     * whole file with a 200), that response with its body unread, for the caller to use instead
     * of asking again; or neither, when the file is to be asked for again in one stream. An
     * unread 206 is one whose Content-Range is the whole file, {@code bytes 0-(N-1)/N} (a server
     * that sends more than the byte asked for), to be saved as a 200 would be.
     */
    record ProbeResult(Probe probe, Response unread, long sentNanos) {
        static final ProbeResult ONE_STREAM = new ProbeResult(null, null, 0);
    }

    /**
     * Asks for the first byte: a 206 with "bytes 0-0/SIZE" and a strong validator proves that
     * ranges of one version of the file can be fetched, and gives the size. A 416 says that no
     * byte 0 exists, as for an empty file ({@code Content-Range: bytes *}{@code /0}, RFC 9110
     * §14.1.1, as S3 answers): the file is then fetched in one stream, as for any answer that
     * is not a usable 206. A 206 of the whole file is that one stream (see {@link ProbeResult});
     * one of more than byte 0 but not all, from byte 0 ({@code bytes 0-K/N}, a server that sends
     * no less), means one stream too, asked for again. One that does not start at byte 0, whose
     * Content-Length contradicts its range, or whose body is not the one byte asked for, is a
     * {@link ProtocolViolationException}, retried as any malformed response is.
     */
    ProbeResult probe() throws IOException {
        Request r = requests.get().setHeader("Range", "bytes=0-0").build();
        long sent = System.nanoTime();
        Response response = client.send(r);
        boolean handedOver = false;
        try {
            int status = response.status();
            if (status == 416) {
                return ProbeResult.ONE_STREAM;
            }
            try {
                response.raiseForStatus();
            } catch (HttpStatusException e) {
                retryAfter = RetryAfter.of(response);
                throw e;
            }
            if (status != 206) {
                // Not a range: the answer to a plain GET, whose body the caller may as well read.
                handedOver = true;
                return new ProbeResult(null, response, sent);
            }
            String value = response.headers().first("Content-Range").orElse("");
            Optional<ContentRange> range = ContentRange.parse(value).filter(cr -> cr.completeLength().isPresent());
            // An encoded range would be encoded bytes at offsets of the file's own.
            if (range.isEmpty() || PartFile.isEncoded(response.headers())) {
                return ProbeResult.ONE_STREAM;
            }
            long size = range.get().completeLength().getAsLong();
            OptionalLong contentLength = response.body().contentLength();
            try {
                if (size > 1 && range.get().first() == 0 && range.get().last() == size - 1) {
                    // More than asked for, but all of it: the download, as a 200 would be.
                    ContentRange.checkExact(value, 0, size - 1, size, contentLength);
                    handedOver = true;
                    return new ProbeResult(null, response, sent);
                }
                if (range.get().first() == 0 && range.get().last() > 0) {
                    // More than asked for, from byte 0 (a server with a least range it sends):
                    // it would answer every probe so, and a segment likewise, so the file comes
                    // in one stream. Only a Content-Length that contradicts the range is an error.
                    ContentRange.checkExact(value, 0, range.get().last(), size, contentLength);
                    return ProbeResult.ONE_STREAM;
                }
                ContentRange.checkExact(value, 0, 0, size, contentLength);
            } catch (ContentRange.Mismatch e) {
                throw probeFailed(status, e.getMessage());
            }
            Optional<String> validator = PartFile.strongValidator(response.headers());
            if (validator.isEmpty() || size > MAX_SEGMENTED_BYTES) {
                return ProbeResult.ONE_STREAM;
            }
            // Read, so that the connection can serve again; one byte, whatever the framing says.
            try (InputStream in = response.body().stream()) {
                int got = in.readNBytes(2).length;
                if (got != 1) {
                    throw probeFailed(status, "206 Partial Content to Range: bytes=0-0 (" + range.get() + ") with a body of "
                            + (got == 0 ? "no bytes" : "more than one byte"));
                }
            }
            return new ProbeResult(new Probe(size, validator.get(),
                    response.headers().first("Content-Disposition").orElse(null), response.uri()), null, sent);
        } finally {
            if (!handedOver) {
                response.close();
            }
        }
    }

    /** A probe answered with a 206 that is not what was asked for; its status goes in the report. */
    private ProtocolViolationException probeFailed(int status, String problem) {
        failedStatus = status;
        return new ProtocolViolationException(job.uri(), problem, -1, null);
    }

    /**
     * Whether the last {@link #run} failed because a segment was answered without its range (a
     * server or proxy that stopped honouring ranges, sent another range than asked, or refused
     * with a 416 a range within the size its probe claimed) or under another version than the
     * probe's: a new probe would likely succeed again and the segments fail again, so the file
     * is better fetched in one stream.
     */
    boolean rangesFailed() {
        return rangesFailed;
    }

    /**
     * The status of the response whose failure ended the last {@link #probe} (a 206 not of the
     * range asked for) or {@link #run} (a segment's), or 0 when none did (or without a response).
     */
    int failedStatus() {
        return failedStatus;
    }

    /**
     * The Retry-After of the response whose failure ended the last {@link #probe} or {@link #run}
     * (an error status of the probe, or of the segment that failed first), when it gave one: the
     * caller waits for it, or gives up on one over the limit, as for one stream.
     */
    Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /**
     * Whether the last {@link #run} failed because the part file could not be made the size the
     * probe claimed (a file system whose largest file is smaller, such as ext4's 16 TiB, or a
     * process limit on file sizes): that is a claim the server made, not yet a local failure,
     * so the file is to be fetched in one stream, which writes only what arrives. The part and
     * its record are gone by then.
     */
    boolean notPreallocated() {
        return notPreallocated;
    }

    /** How many segments a file of {@code size} gets when {@code wanted} are asked for. */
    static int segmentsFor(long size, int wanted) {
        return (int) Math.max(1, Math.min(wanted, size / MIN_SEGMENT_BYTES));
    }

    /**
     * Downloads into {@code part} in {@code count} segments and renames it; {@code resume}
     * continues a control record left by an earlier run under the same validator and size.
     */
    PartFile.Result run(PartFile part, Probe probe, int count, boolean resume)
            throws IOException, InterruptedException {
        long[][] segments = resume ? readRecord(part, probe).orElse(null) : null;
        if (segments == null) {
            segments = plan(probe.size(), count);
        }
        Files.createDirectories(part.path().toAbsolutePath().getParent());
        // Never through a symbolic link: the caller removed one in the part's place (PartFile.removeSymbolicLink).
        try (FileChannel file = FileChannel.open(part.path(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            // The record comes first: a part that is full-size under a validator, without a
            // record, is a whole file to a later run (a 416 would confirm it), and a kill can
            // come between any two of these steps.
            boolean recorded = writeRecord(part, probe, segments);
            part.recordUrl(job);
            if (!recorded) {
                // Then the part must not look resumable at all (best effort, as ever with attributes).
                part.storeSource(PartFile.Source.UNKNOWN);
            }
            if (file.size() != probe.size()) {
                file.truncate(Math.min(file.size(), probe.size()));
                // Preallocate so that segments write into a file of the final size.
                try {
                    file.write(ByteBuffer.wrap(new byte[1]), probe.size() - 1);
                } catch (ClosedChannelException e) {
                    throw e; // interrupted: the run stops, and the part says what it holds
                } catch (IOException e) {
                    // No record may claim a file that cannot be here: it goes, the part with it.
                    notPreallocated = true;
                    part.storeAttribute(CONTROL_ATTRIBUTE, null);
                    part.deleteQuietly();
                    throw e;
                }
            }
            if (recorded) {
                part.storeSource(new PartFile.Source(Optional.of(probe.validator()), OptionalLong.of(probe.size())));
            }
            AtomicLong received = new AtomicLong();
            for (long[] s : segments) {
                received.addAndGet(s[2]);
            }
            OptionalLong total = OptionalLong.of(probe.size());
            listener.on(new ProgressEvent.Started(job, part.target(), attempts.current(), received.get(), total));
            AtomicReference<Exception> failure = new AtomicReference<>();
            // The segments' responses being read: the first failure closes them, so that the
            // others stop at once instead of fetching the rest of ranges that cannot be kept.
            Set<Response> reading = ConcurrentHashMap.newKeySet();
            // And the segments waiting between attempts: woken, they end instead of waiting on.
            Waits waits = new Waits(sleeper);
            List<Thread> threads = new ArrayList<>();
            long[][] plan = segments;
            for (long[] segment : plan) {
                threads.add(Thread.ofVirtual().name("sluice-segment").start(() -> {
                    // This segment's latest response, to report the one that failed.
                    Answer answer = new Answer();
                    try {
                        fetchSegment(file, segment, probe, part, plan, received, total,
                                () -> failure.get() != null, reading, waits, answer);
                    } catch (Exception e) {
                        if (failure.compareAndSet(null, e)) {
                            failedStatus = answer.status;
                            retryAfter = answer.retryAfter;
                            reading.forEach(Response::close);
                            waits.wakeAll();
                        }
                    }
                }));
            }
            try {
                for (Thread t : threads) {
                    t.join();
                }
            } catch (InterruptedException e) {
                // Told to stop: every segment stops now (a blocked read ends when its response
                // is closed, a wait between attempts when interrupted), and none goes on after
                // this returns. The record then says what arrived, for --continue and the report.
                if (failure.compareAndSet(null, e)) {
                    reading.forEach(Response::close);
                }
                waits.wakeAll();
                threads.forEach(Thread::interrupt);
                Downloader.joinUninterruptibly(threads);
                writeRecord(part, probe, plan);
                throw e;
            }
            writeRecord(part, probe, plan);
            Exception e = failure.get();
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            if (e != null) {
                throw (RuntimeException) e;
            }
        }
        // The record, now complete, stays until the part is renamed, which removes it.
        return part.complete(job, probe.size());
    }


    /** What a segment's latest response said: its status (0 before one), and its Retry-After. */
    private static final class Answer {
        int status;
        Optional<Duration> retryAfter = Optional.empty();
    }

    /** Segments as {start, endInclusive, done}. */
    static long[][] plan(long size, int count) {
        long[][] segments = new long[count][];
        long each = size / count;
        for (int i = 0; i < count; i++) {
            long start = i * each;
            long end = i == count - 1 ? size - 1 : start + each - 1;
            segments[i] = new long[] {start, end, 0};
        }
        return segments;
    }

    /**
     * Fetches what is left of one segment, retrying it in place while the job has retries left
     * (see {@link Downloader.Attempts#retryRound}: segments failing in one attempt take one
     * retry between them). It stops early, quietly, once
     * {@code stopped} says another segment failed: the download has failed already, and what
     * this one would write could not be kept.
     */
    private void fetchSegment(FileChannel file, long[] segment, Probe probe, PartFile part, long[][] plan,
                              AtomicLong received, OptionalLong total, BooleanSupplier stopped,
                              Set<Response> reading, Waits waits, Answer answer)
            throws IOException, InterruptedException {
        long recordEvery = Math.min(RECORD_EVERY_BYTES,
                Math.max(MIN_RECORD_EVERY_BYTES, (segment[1] - segment[0] + 1) / 8));
        while (true) {
            long pos = segment[0] + segment[2];
            if (pos > segment[1] || stopped.getAsBoolean()) {
                return;
            }
            answer.status = 0;
            answer.retryAfter = Optional.empty();
            // The attempt this request is sent in: its failure counts in that attempt's round.
            int seen = attempts.current();
            try {
                Request.Builder rb = requests.get().setHeader("Range", "bytes=" + pos + "-" + segment[1])
                        .setHeader("If-Range", probe.validator());
                long sent = System.nanoTime();
                try (Response response = client.send(rb.build())) {
                    reading.add(response);
                    answer.status = response.status();
                    if (stopped.getAsBoolean()) {
                        return; // another segment failed while this one was being asked for
                    }
                    String range = response.headers().first("Content-Range").orElse("");
                    try {
                        if (response.status() == 416) {
                            // The probe's 206 said these bytes exist: a server that now refuses
                            // them (a file shorter than it claimed) would claim so after a new
                            // probe too. Like a range of another length, whichever segment hears
                            // it first: the file comes in one stream.
                            rangesFailed = true;
                            throw new ContentRange.Mismatch("416 Range Not Satisfiable to Range: bytes=" + pos + "-"
                                    + segment[1] + " of the " + probe.size() + " bytes the probe's 206 claimed"
                                    + (range.isEmpty() ? "" : " (Content-Range: " + range + ")"));
                        }
                        try {
                            response.raiseForStatus();
                        } catch (HttpStatusException e) {
                            answer.retryAfter = RetryAfter.of(response);
                            throw e;
                        }
                        if (response.status() != 206) {
                            rangesFailed = true;
                            throw new ContentRange.Mismatch("expected 206 for bytes " + pos + "-" + segment[1]
                                    + ", got " + response.status());
                        }
                        try {
                            ContentRange.checkExact(range, pos, segment[1], probe.size(), response.body().contentLength());
                        } catch (ContentRange.Mismatch e) {
                            rangesFailed = true; // another range than asked for: ranges do not work here
                            throw e;
                        }
                        // A server that ignores If-Range may still say which version it sends.
                        Optional<String> changed = PartFile.validatorMismatch(probe.validator(), response.headers());
                        if (changed.isPresent()) {
                            // The file changed since the probe, or the server's copies disagree
                            // (backends with their own ETags): a new probe could meet the same,
                            // while one stream is one version whatever the server does.
                            rangesFailed = true;
                            throw new ContentRange.Mismatch("206 Partial Content to Range: bytes=" + pos + "-"
                                    + segment[1] + " " + changed.get());
                        }
                        if (PartFile.isEncoded(response.headers())) {
                            throw new ContentRange.Mismatch("206 Partial Content to Range: bytes=" + pos + "-"
                                    + segment[1] + " with a Content-Encoding: its range counts encoded bytes");
                        }
                    } catch (ContentRange.Mismatch e) {
                        // The file changed (If-Range failed) or ranges stopped working: the
                        // segments no longer fit together, so nothing of them can be kept. The
                        // part goes too: preallocated, its size would pass for bytes received.
                        part.deleteQuietly();
                        throw new RangeLost(new ProtocolViolationException(job.uri(), e.getMessage(), -1, null));
                    }
                    long sinceRecord = 0;
                    OptionalLong deadline = RateLimiter.deadline(client, sent);
                    try {
                        for (ByteBuffer view : response.body().any()) {
                            if (stopped.getAsBoolean()) {
                                return; // closing the response closes its connection
                            }
                            int n = view.remaining();
                            long at = segment[0] + segment[2];
                            if (at + n - 1 > segment[1]) {
                                throw new ProtocolViolationException(job.uri(), "segment overran its range", at, null);
                            }
                            while (view.hasRemaining()) {
                                at += file.write(view, at);
                            }
                            segment[2] += n;
                            listener.on(new ProgressEvent.Bytes(job, received.addAndGet(n), total));
                            if (limiter != null) {
                                limiter.acquire(n, deadline);
                            }
                            sinceRecord += n;
                            if (sinceRecord >= recordEvery) {
                                sinceRecord = 0;
                                writeRecord(part, probe, plan);
                            }
                        }
                    } catch (UncheckedIOException e) {
                        throw e.getCause();
                    }
                    if (segment[0] + segment[2] <= segment[1]) {
                        throw new ProtocolViolationException(job.uri(), "segment ended at byte "
                                + (segment[0] + segment[2]) + " of " + segment[0] + "-" + segment[1], -1, null);
                    }
                    return;
                }
            } catch (RangeLost e) {
                throw e.violation;
            } catch (IOException e) {
                if (stopped.getAsBoolean()) {
                    throw e; // the download failed or was stopped: no retry, and no event after it ended
                }
                if (!RetryPolicy.isRetryable(e) || !retryPolicy.allowsWaiting(answer.retryAfter)) {
                    throw e;
                }
                // One of the job's retries, not one of this segment's own: the job's caller
                // asked for N retries of the file, and execute() retries what fails here again.
                // Segments that fail in one round (one blip) take one retry between them.
                Duration delay = retryPolicy.delayFor(seen, answer.retryAfter);
                switch (attempts.retryRound(seen)) {
                    case NONE_LEFT -> throw e;
                    case NEW -> listener.on(new ProgressEvent.Retry(job, seen, e, delay));
                    // Another segment's failure took this round's retry; this one waits as it
                    // does (the server asked all of them to), without an event of its own.
                    case COUNTED -> { }
                }
                if (!waits.sleep(delay)) {
                    return; // woken: another segment failed for good, and nothing more can be kept
                }
            }
        }
    }

    /**
     * The segments' waits between attempts, which end early when the run does: a segment
     * asleep for its backoff or a Retry-After (up to {@link RetryPolicy#MAX_RETRY_AFTER}) would
     * otherwise hold the failed run, and the report, for that long. A wait is woken by an
     * interrupt, delivered only between its start and its end ({@link #lock} guards both), so
     * no interrupt meant for a wait reaches a segment's I/O, where it would close the part
     * file's channel for all of them.
     */
    private static final class Waits {
        private final Downloader.Sleeper sleeper;
        /** Guards {@link #sleeping} and {@link #over}. */
        private final ReentrantLock lock = new ReentrantLock();
        private final Set<Thread> sleeping = new HashSet<>();
        private boolean over;

        Waits(Downloader.Sleeper sleeper) {
            this.sleeper = sleeper;
        }

        /** Waits {@code d}; false, at once or when woken, once the run is over. */
        boolean sleep(Duration d) throws InterruptedException {
            Thread self = Thread.currentThread();
            lock.lock();
            try {
                if (over) {
                    return false;
                }
                sleeping.add(self);
            } finally {
                lock.unlock();
            }
            try {
                sleeper.sleep(d);
            } catch (InterruptedException e) {
                if (!isOver()) {
                    throw e; // not ours: the run was told to stop
                }
            } finally {
                lock.lock();
                try {
                    sleeping.remove(self);
                } finally {
                    lock.unlock();
                }
            }
            if (isOver()) {
                Thread.interrupted(); // a wake-up that came as the wait ended: spent here
                return false;
            }
            return true;
        }

        private boolean isOver() {
            lock.lock();
            try {
                return over;
            } finally {
                lock.unlock();
            }
        }

        /** Ends every wait, now and to come. */
        void wakeAll() {
            lock.lock();
            try {
                over = true;
                sleeping.forEach(Thread::interrupt);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The segments no longer fit together; the whole download must start over. */
    private static final class RangeLost extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient ProtocolViolationException violation;

        RangeLost(ProtocolViolationException violation) {
            super(violation.getMessage());
            this.violation = violation;
        }
    }

    /**
     * Stores the control record (see {@link SegmentRecord}); false where it could not be. One
     * writer at a time, each reading the counts as it stores them: segments write the record
     * from their own threads, and one formatted before another was stored must not land after
     * it with older counts (a segment's progress was so lost until its next record, 1 to 8 MiB
     * later; a test that reads the record mid-run saw it now and then).
     */
    private boolean writeRecord(PartFile part, Probe probe, long[][] segments) {
        recordLock.lock();
        try {
            return part.storeAttribute(CONTROL_ATTRIBUTE, SegmentRecord.format(probe.size(), probe.validator(), segments));
        } finally {
            recordLock.unlock();
        }
    }

    /**
     * The segments of a record left under the probe's size and validator, to continue them;
     * none from a part of another URL (see {@link PartFile#isOfAnotherUrl}), which a fresh plan
     * then writes over.
     */
    private Optional<long[][]> readRecord(PartFile part, Probe probe) throws IOException {
        if (part.isOfAnotherUrl(job)) {
            return Optional.empty();
        }
        long size = part.existingBytes();
        return part.attribute(CONTROL_ATTRIBUTE).flatMap(SegmentRecord::parse)
                .filter(r -> r.isOf(probe.size(), probe.validator())).map(r -> {
                    long[][] segments = r.segments();
                    for (long[] s : segments) {
                        // A part shorter than preallocated (cut by hand, or a file system that
                        // lost its tail) holds no byte past its end, whatever the record says:
                        // those would come out as zeros.
                        s[2] = Math.min(s[2], Math.max(0, size - s[0]));
                    }
                    return segments;
                });
    }
}
