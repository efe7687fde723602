package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.HttpStatusException;
import dev.sluice.download.DownloadJob;
import dev.sluice.download.ProgressEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A job waiting to retry shows the wait: in the live view, and as a line when there is none. */
class ProgressRetryViewTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<DownloadJob> jobs = List.of(DownloadJob.of(URI.create("http://h/f0.bin")));
    /** The progress clock, in nanoseconds; frames are drawn at times on the same clock. */
    private long now = 1_000_000_000L;
    private final DownloadProgress progress = new DownloadProgress(jobs, List.of("f0.bin"), () -> now);

    private ProgressPrinter printer(ProgressMode mode) {
        return new ProgressPrinter(mode, false, progress, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), 80);
    }

    private void retryIn(Duration delay) {
        progress.on(new ProgressEvent.Started(jobs.get(0), null, 1, 0, OptionalLong.of(100)));
        progress.on(new ProgressEvent.Retry(jobs.get(0), 1,
                new HttpStatusException(URI.create("http://h/f0.bin"), 503, "Service Unavailable"), delay));
    }

    @Test
    void theLiveViewCountsDownTheWaitBeforeARetry() {
        ProgressPrinter printer = printer(ProgressMode.BAR);
        retryIn(Duration.ofSeconds(185));

        assertThat(printer.frame(now).getFirst()).isEqualTo("  f0.bin  retrying in 3m05s (attempt 2)");
        assertThat(printer.frame(now + 500_000_000L).getFirst()).isEqualTo("  f0.bin  retrying in 3m05s (attempt 2)");
        assertThat(printer.frame(now + 1_000_000_000L).getFirst()).isEqualTo("  f0.bin  retrying in 3m04s (attempt 2)");
        assertThat(printer.frame(now + 184_100_000_000L).getFirst()).isEqualTo("  f0.bin  retrying in 1s (attempt 2)");
        assertThat(printer.frame(now + 186_000_000_000L).getFirst()).isEqualTo("  f0.bin  retrying (attempt 2)");
    }

    @Test
    void withoutALiveViewARetryIsALineOnStandardOutputNotAnError() {
        ProgressPrinter printer = printer(ProgressMode.LINES);
        retryIn(Duration.ofMillis(2500));
        printer.tick(now);

        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("f0.bin  retrying in 2.50 s (attempt 2): http://h/f0.bin: HTTP 503 Service Unavailable\n");
        assertThat(err.size()).isZero();
    }
}
