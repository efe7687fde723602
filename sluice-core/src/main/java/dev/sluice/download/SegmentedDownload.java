package dev.sluice.download;

import dev.sluice.Client;
import dev.sluice.HttpStatusException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.Request;
import dev.sluice.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * One large file fetched as N byte ranges over N connections (aria2c's {@code -s}), each
 * written at its offset into one preallocated part file. What each segment has finished is
 * recorded in an extended attribute of the part file (the control record), so a restart with
 * resume continues every segment where it stopped, under the same validator.
 *
 * <p>It applies only when a probe ({@code Range: bytes=0-0}) answers 206 with the full size
 * and the file is at least {@link #MIN_SEGMENT_BYTES} per segment; otherwise the caller
 * downloads in one stream. With a checksum the file is verified by one read after the
 * segments finish: segments arrive out of order, so the digest cannot follow the stream.
 */
final class SegmentedDownload {
    /** Smaller segments are not worth a connection each. */
    static final long MIN_SEGMENT_BYTES = 1L << 20;
    private static final String CONTROL_ATTRIBUTE = PartFile.SEGMENTS_ATTRIBUTE;
    /** The control record is rewritten after this many new bytes in a segment. */
    private static final long RECORD_EVERY_BYTES = 8L << 20;

    private final Client client;
    private final DownloadJob job;
    private final Supplier<Request.Builder> requests;
    private final RetryPolicy retryPolicy;
    private final Downloader.Sleeper sleeper;
    private final RateLimiter limiter;
    private final ProgressEvent.Listener listener;

    SegmentedDownload(Client client, DownloadJob job, Supplier<Request.Builder> requests, RetryPolicy retryPolicy,
                      Downloader.Sleeper sleeper, RateLimiter limiter, ProgressEvent.Listener listener) {
        this.client = client;
        this.job = job;
        this.requests = requests;
        this.retryPolicy = retryPolicy;
        this.sleeper = sleeper;
        this.limiter = limiter;
        this.listener = listener;
    }

    /** What the probe learnt. */
    record Probe(long size, String validator, String contentDisposition) {
    }

    /** Asks for the first byte: a 206 with "bytes 0-0/SIZE" proves ranges work and gives the size. */
    Optional<Probe> probe() throws IOException {
        Request r = requests.get().setHeader("Range", "bytes=0-0").build();
        try (Response response = client.send(r)) {
            if (response.status() != 206) {
                if (response.status() >= 400) {
                    throw new HttpStatusException(response.uri(), response.status(), response.reason());
                }
                return Optional.empty();
            }
            Optional<ContentRange> range = ContentRange.parse(response.headers().first("Content-Range").orElse(""))
                    .filter(cr -> cr.first() == 0 && cr.completeLength().isPresent());
            if (range.isEmpty()) {
                return Optional.empty();
            }
            response.body().bytes(16);
            String validator = PartFile.strongValidator(response.headers()).orElse(null);
            return Optional.of(new Probe(range.get().completeLength().getAsLong(), validator,
                    response.headers().first("Content-Disposition").orElse(null)));
        }
    }

    /** How many segments a file of {@code size} gets when {@code wanted} are asked for. */
    static int segmentsFor(long size, int wanted) {
        return (int) Math.max(1, Math.min(wanted, size / MIN_SEGMENT_BYTES));
    }

    /**
     * Downloads into {@code part} in {@code count} segments and renames it; {@code resume}
     * continues a control record left by an earlier run under the same validator and size.
     */
    PartFile.Result run(PartFile part, Probe probe, int count, boolean resume, LongConsumer onBytes)
            throws IOException, InterruptedException {
        long[][] segments = resume ? readRecord(part, probe).orElse(null) : null;
        if (segments == null) {
            segments = plan(probe.size(), count);
        }
        Files.createDirectories(part.path().toAbsolutePath().getParent());
        try (FileChannel file = FileChannel.open(part.path(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (file.size() != probe.size()) {
                file.truncate(Math.min(file.size(), probe.size()));
                // Preallocate so that segments write into a file of the final size.
                file.write(ByteBuffer.wrap(new byte[1]), probe.size() - 1);
            }
            part.storeSource(new PartFile.Source(Optional.ofNullable(probe.validator()), OptionalLong.of(probe.size())));
            AtomicLong received = new AtomicLong();
            for (long[] s : segments) {
                received.addAndGet(s[2]);
            }
            OptionalLong total = OptionalLong.of(probe.size());
            listener.on(new ProgressEvent.Started(job, 1, received.get(), total));
            AtomicReference<Exception> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            long[][] plan = segments;
            for (long[] segment : plan) {
                threads.add(Thread.ofVirtual().name("sluice-segment").start(() -> {
                    try {
                        fetchSegment(file, segment, probe, part, plan, received, total, onBytes);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
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
        part.storeAttribute(CONTROL_ATTRIBUTE, null);
        return part.complete(job, probe.size());
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

    private void fetchSegment(FileChannel file, long[] segment, Probe probe, PartFile part, long[][] plan,
                              AtomicLong received, OptionalLong total, LongConsumer onBytes)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            long pos = segment[0] + segment[2];
            if (pos > segment[1]) {
                return;
            }
            Optional<Duration> retryAfter = Optional.empty();
            try {
                Request.Builder rb = requests.get().setHeader("Range", "bytes=" + pos + "-" + segment[1]);
                if (probe.validator() != null) {
                    rb.setHeader("If-Range", probe.validator());
                }
                try (Response response = client.send(rb.build())) {
                    if (response.status() >= 400) {
                        retryAfter = response.headers().first("Retry-After").flatMap(RetryAfter::parse);
                        throw new HttpStatusException(response.uri(), response.status(), response.reason());
                    }
                    String range = response.headers().first("Content-Range").orElse("");
                    try {
                        if (response.status() != 206) {
                            throw new ContentRange.Mismatch("expected 206 for bytes " + pos + "-" + segment[1]
                                    + ", got " + response.status());
                        }
                        ContentRange.checkExact(range, pos, segment[1], probe.size(), response.body().contentLength());
                    } catch (ContentRange.Mismatch e) {
                        // The file changed (If-Range failed) or ranges stopped working: the
                        // segments no longer fit together, so nothing of them can be kept. The
                        // part goes too: preallocated, its size would pass for bytes received.
                        part.deleteQuietly();
                        throw new RangeLost(new ProtocolViolationException(job.uri(), e.getMessage(), -1, null));
                    }
                    long sinceRecord = 0;
                    try {
                        for (ByteBuffer view : response.body().any()) {
                            int n = view.remaining();
                            long at = segment[0] + segment[2];
                            if (at + n - 1 > segment[1]) {
                                throw new ProtocolViolationException(job.uri(), "segment overran its range", at, null);
                            }
                            while (view.hasRemaining()) {
                                at += file.write(view, at);
                            }
                            segment[2] += n;
                            onBytes.accept(n);
                            listener.on(new ProgressEvent.Bytes(job, received.addAndGet(n), total));
                            if (limiter != null) {
                                limiter.acquire(n);
                            }
                            sinceRecord += n;
                            if (sinceRecord >= RECORD_EVERY_BYTES) {
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
                if (!RetryPolicy.isRetryable(e) || attempt > retryPolicy.retries()) {
                    throw e;
                }
                Duration delay = retryPolicy.delayFor(attempt, retryAfter);
                listener.on(new ProgressEvent.Retry(job, attempt, e, delay));
                sleeper.sleep(delay);
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

    /** The record: "size validator" then one "start end done" line per segment. */
    private static void writeRecord(PartFile part, Probe probe, long[][] segments) {
        StringBuilder b = new StringBuilder().append(probe.size()).append(' ')
                .append(probe.validator() == null ? "-" : probe.validator().replace(' ', '_')).append('\n');
        // Other segments may be moving on meanwhile; the record written after they all end is exact.
        for (long[] s : segments) {
            b.append(s[0]).append(' ').append(s[1]).append(' ').append(s[2]).append('\n');
        }
        part.storeAttribute(CONTROL_ATTRIBUTE, b.toString());
    }

    private static Optional<long[][]> readRecord(PartFile part, Probe probe) {
        return part.attribute(CONTROL_ATTRIBUTE).flatMap(text -> {
            String[] lines = text.split("\n");
            String expectedHead = probe.size() + " " + (probe.validator() == null ? "-" : probe.validator().replace(' ', '_'));
            if (lines.length < 2 || !lines[0].equals(expectedHead) || probe.validator() == null) {
                return Optional.empty();
            }
            long[][] segments = new long[lines.length - 1][];
            try {
                for (int i = 1; i < lines.length; i++) {
                    String[] f = lines[i].trim().split(" ");
                    segments[i - 1] = new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
                }
            } catch (RuntimeException e) {
                return Optional.empty();
            }
            return Optional.of(segments);
        });
    }
}
