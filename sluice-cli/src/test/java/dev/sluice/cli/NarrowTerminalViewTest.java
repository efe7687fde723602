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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The live view on a terminal of any width: no line may wrap, for the redraw goes up one row
 * per line it drew and would leave the wrapped halves on the screen; what does not fit is
 * dropped, the least telling first, so that a narrow view still says what runs.
 */
class NarrowTerminalViewTest {
    private static final int MIB = 1 << 20;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<DownloadJob> jobs = new ArrayList<>();
    private DownloadProgress progress;

    /**
     * A view at {@code columns} of five jobs: one with a long name and a known size, one of
     * unknown size, one waiting to retry, one with a wide name, and one that failed.
     */
    private ProgressPrinter printer(int columns) {
        List<String> names = List.of("annual-report-2026-final.pdf", "stream.log", "flaky.bin",
                "\u6587\u4EF6\u540D\u79F0\u5F88\u957F\u7684\u6587\u4EF6.zip", "gone.bin");
        for (int i = 0; i < names.size(); i++) {
            jobs.add(DownloadJob.of(URI.create("http://h/" + i)));
        }
        progress = new DownloadProgress(jobs, names, () -> 0L);
        ProgressPrinter printer = new ProgressPrinter(ProgressMode.BAR, false, progress,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), columns);
        progress.on(new ProgressEvent.Started(jobs.get(0), null, 1, 0, OptionalLong.of(20L * MIB)));
        progress.on(new ProgressEvent.Bytes(jobs.get(0), 10L * MIB, OptionalLong.of(20L * MIB)));
        progress.on(new ProgressEvent.Started(jobs.get(1), null, 1, 0, OptionalLong.empty()));
        progress.on(new ProgressEvent.Bytes(jobs.get(1), MIB, OptionalLong.empty()));
        progress.on(new ProgressEvent.Started(jobs.get(2), null, 1, 0, OptionalLong.of(100)));
        progress.on(new ProgressEvent.Retry(jobs.get(2), 1, new RuntimeException("x"), Duration.ofSeconds(185)));
        progress.on(new ProgressEvent.Started(jobs.get(3), null, 1, 0, OptionalLong.of(MIB)));
        progress.on(new ProgressEvent.Failed(jobs.get(4), null,
                new HttpStatusException(URI.create("http://h/4"), 404, "Not Found"), Duration.ofMillis(20)));
        return printer;
    }

    private static void assertFits(List<String> lines, int columns) {
        assertThat(lines).as("at %d columns", columns).allSatisfy(line -> {
            assertThat(DisplayWidth.of(line)).as("%d columns: %s", columns, line).isLessThan(columns);
            assertThat(line.codePoints().filter(cp -> cp >= 0xD800 && cp <= 0xDFFF)).as(line).isEmpty();
        });
    }

    @Test
    void noLineIsAsWideAsTheTerminalWhateverItsWidth() {
        for (int columns = 1; columns <= 120; columns++) {
            jobs.clear();
            List<String> frame = printer(columns).frame(0);

            assertThat(frame).as("at %d columns", columns).hasSize(5);
            assertFits(frame, columns);
        }
    }

    @Test
    void theLineThatSumsUpMoreDownloadsFitsToo() {
        for (int columns = 1; columns <= 40; columns++) {
            jobs.clear();
            for (int i = 0; i < ProgressPrinter.MAX_ACTIVE_LINES + 3; i++) {
                jobs.add(DownloadJob.of(URI.create("http://h/" + i)));
            }
            progress = new DownloadProgress(jobs, jobs.stream().map(j -> "file.bin").toList(), () -> 0L);
            ProgressPrinter printer = new ProgressPrinter(ProgressMode.BAR, false, progress,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), columns);
            jobs.forEach(j -> progress.on(new ProgressEvent.Started(j, null, 1, 0, OptionalLong.of(100))));

            List<String> frame = printer.frame(0);

            assertThat(frame).hasSize(ProgressPrinter.MAX_ACTIVE_LINES + 2);
            assertFits(frame, columns);
        }
    }

    @Test
    void onThirtyColumnsTheRedrawGoesUpTheRowsItDrew() {
        // The auditor's terminal: stty cols 30. Every line drawn is one row.
        ProgressPrinter printer = printer(30);
        printer.tick(0);
        int first = err.size();
        printer.tick(100_000_000L);

        byte[] all = err.toByteArray();
        String second = new String(all, first, all.length - first, StandardCharsets.UTF_8);
        assertThat(second).startsWith("\r\u001b[5A\u001b[J");
        List<String> rows = Arrays.asList(second.substring("\r\u001b[5A\u001b[J".length()).split("\n"));
        assertThat(rows).hasSize(5);
        assertFits(rows, 30);
    }

    @Test
    void aNarrowViewDropsTheByteCountsFirstThenTheSpeedsAndKeepsTheNames() {
        assertThat(printer(30).frame(0)).containsExactly(
                "  annual-repor...  50%  0 B/s",
                "  stream.log  1.0 MiB  0 B/s",
                "  flaky.bin  retrying",
                "  \u6587\u4EF6\u540D\u79F0\u5F88\u957F...  0%  0 B/s",
                "0/5 files (1 failed)  ETA --");
        jobs.clear();
        assertThat(printer(20).frame(0)).containsExactly(
                "  annual-...  50%",
                "  stream.log",
                "  flaky.bin",
                "  \u6587\u4EF6\u540D...  0%",
                "0/5 files  ETA --");
    }

    @Test
    void atAFewColumnsTheIndentGoesAndTheNamesAreCut() {
        assertThat(printer(12).frame(0)).containsExactly(
                "annual-...", "stream.log", "flaky.bin", "\u6587\u4EF6\u540D...", "0/5 files");
        jobs.clear();
        assertThat(printer(4).frame(0)).containsExactly("ann", "str", "fla", "\u6587", "0/5");
        jobs.clear();
        // One column: a line would wrap at its first character, so each is empty, but still a line.
        assertThat(printer(1).frame(0)).containsExactly("", "", "", "", "");
    }
}
