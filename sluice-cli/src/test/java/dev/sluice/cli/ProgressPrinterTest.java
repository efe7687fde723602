package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.HttpStatusException;
import dev.sluice.download.DownloadJob;
import dev.sluice.download.ProgressEvent;
import dev.sluice.download.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The live view and the lines, driven by events and frame times given by the test (no
 * clock, no thread): what a terminal would show.
 */
class ProgressPrinterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int MIB = 1 << 20;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<DownloadJob> jobs = new ArrayList<>();
    private DownloadProgress progress;

    private ProgressPrinter printer(ProgressMode mode, int files) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            jobs.add(DownloadJob.of(URI.create("http://h/f" + i + ".bin")));
            names.add("f" + i + ".bin");
        }
        progress = new DownloadProgress(jobs, names, () -> 0L); // the clock the frames below are drawn at
        return new ProgressPrinter(mode, false, progress, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), 80);
    }

    @Test
    void eachActiveDownloadShowsBytesOfTotalPercentAndSpeedAndTheAggregateLineTheRun() {
        ProgressPrinter printer = printer(ProgressMode.BAR, 3);
        progress.on(new ProgressEvent.Started(jobs.get(0), null, 1, 0, OptionalLong.of(20L * MIB)));
        progress.on(new ProgressEvent.Started(jobs.get(1), null, 1, 0, OptionalLong.empty()));
        progress.on(new ProgressEvent.Bytes(jobs.get(0), 10L * MIB, OptionalLong.of(20L * MIB)));
        progress.on(new ProgressEvent.Bytes(jobs.get(1), MIB, OptionalLong.empty()));
        printer.frame(0);
        // Ten seconds of frames at 1 MiB/s for f0 (f1 stalls): the smoothed speeds settle.
        List<String> frame = List.of();
        for (int t = 1; t <= 80; t++) {
            progress.on(new ProgressEvent.Bytes(jobs.get(0), 10L * MIB + t * (MIB / 8), OptionalLong.of(20L * MIB)));
            frame = printer.frame(t * SECOND / 8);
        }

        assertThat(frame).containsExactly(
                "  f0.bin  20.0 MiB / 20.0 MiB  100%  1.0 MiB/s",
                "  f1.bin  1.0 MiB  0 B/s",
                "0/3 files  21.0 MiB  1.0 MiB/s  ETA --");
    }

    @Test
    void theEtaComesFromTheBytesLeftAndTheSpeedOnceEverySizeIsKnown() {
        ProgressPrinter printer = printer(ProgressMode.BAR, 2);
        progress.on(new ProgressEvent.Started(jobs.get(0), null, 1, 0, OptionalLong.of(MIB)));
        progress.on(new ProgressEvent.Finished(jobs.get(0), Path.of("f0.bin"), MIB, Duration.ofSeconds(1)));
        progress.on(new ProgressEvent.Started(jobs.get(1), null, 1, 0, OptionalLong.of(21L * MIB)));
        printer.frame(0);
        List<String> frame = List.of();
        for (int t = 1; t <= 80; t++) {
            progress.on(new ProgressEvent.Bytes(jobs.get(1), t * (MIB / 8), OptionalLong.of(21L * MIB)));
            frame = printer.frame(t * SECOND / 8);
        }

        // 11 MiB left at 1 MiB/s.
        assertThat(frame.getLast()).isEqualTo("1/2 files  11.0 MiB  1.0 MiB/s  ETA 11s");
    }

    @Test
    void moreActiveDownloadsThanFitAreSummedUpAndAJobWaitingToRetrySaysSo() {
        ProgressPrinter printer = printer(ProgressMode.BAR, 14);
        for (int i = 0; i < 13; i++) {
            progress.on(new ProgressEvent.Started(jobs.get(i), null, 1, 0, OptionalLong.of(100)));
        }
        progress.on(new ProgressEvent.Retry(jobs.get(0), 1, new RuntimeException("x"), Duration.ZERO));

        List<String> frame = printer.frame(0);

        assertThat(frame).hasSize(ProgressPrinter.MAX_ACTIVE_LINES + 2);
        assertThat(frame.getFirst()).isEqualTo("  f0.bin  retrying (attempt 2)");
        assertThat(frame.get(ProgressPrinter.MAX_ACTIVE_LINES)).isEqualTo("  ... and 3 more");
    }

    @Test
    void aFailureIsPrintedAboveTheViewWhichIsErasedFirst() {
        ProgressPrinter printer = printer(ProgressMode.BAR, 2);
        progress.on(new ProgressEvent.Started(jobs.get(0), null, 1, 0, OptionalLong.of(100)));
        printer.tick(0);
        int drawn = err.size();
        progress.on(new ProgressEvent.Failed(jobs.get(1), null,
                new HttpStatusException(URI.create("http://h/f1.bin"), 404, "Not Found"), Duration.ofMillis(20)));
        printer.tick(SECOND / 10);

        String frame = err.toString(StandardCharsets.UTF_8).substring(drawn);
        // Up two lines, erase to the end of the screen, the error, then the view again.
        assertThat(frame).startsWith("\r\u001b[2A\u001b[Jsluice: http://h/f1.bin: HTTP 404 Not Found\n  f0.bin  0 B / 100 B  0%")
                .endsWith("0/2 files (1 failed)  0 B  0 B/s  ETA --\n");
        assertThat(out.size()).as("per-file lines wait for the end in bar mode").isZero();
    }

    @Test
    void inLinesModeAFileGetsItsLineWhenItEndsAndTheTotalComesAtTheEnd() {
        ProgressPrinter printer = printer(ProgressMode.LINES, 2);
        progress.on(new ProgressEvent.Finished(jobs.get(1), Path.of("out/f1.bin"), 1234, Duration.ofMillis(210)));
        printer.tick(0);
        String afterFirst = out.toString(StandardCharsets.UTF_8);
        progress.on(new ProgressEvent.Failed(jobs.get(0), null,
                new HttpStatusException(URI.create("http://h/f0.bin"), 500, "Internal Server Error"), Duration.ofMillis(30)));
        printer.finish(new Report(List.of(
                new Report.Item("http://h/f0.bin", "out/f0.bin", false, 500, 0, 0.03, 4,
                        new Report.Error("http", "http://h/f0.bin: HTTP 500 Internal Server Error")),
                new Report.Item("http://h/f1.bin", "out/f1.bin", true, 200, 1234, 0.21, 1, null)), 1234, 3.42));

        assertThat(afterFirst).isEqualTo("out/f1.bin  1234 bytes  0.21 s\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("""
                out/f1.bin  1234 bytes  0.21 s
                f0.bin  failed (http)  0.03 s
                total 3.42 s, 1 of 2 failed
                """);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("sluice: http://h/f0.bin: HTTP 500 Internal Server Error\n");
    }

    @Test
    void inLinesModeAJobAnInterruptStoppedGetsItsFailedLineToo() {
        ProgressPrinter printer = printer(ProgressMode.LINES, 2);
        progress.on(new ProgressEvent.Finished(jobs.get(0), Path.of("out/f0.bin"), 10, Duration.ofMillis(20)));
        progress.on(new ProgressEvent.Started(jobs.get(1), Path.of("out/f1.bin"), 1, 0, java.util.OptionalLong.of(100)));
        printer.tick(0);
        printer.finish(new Report(List.of(
                new Report.Item("http://h/f0.bin", "out/f0.bin", true, 200, 10, 0.02, 1, null),
                new Report.Item("http://h/f1.bin", "out/f1.bin", false, 200, 40, 0.5, 1, Report.Error.interrupted("http://h/f1.bin"))),
                50, 0.6));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("""
                out/f0.bin  10 bytes  0.02 s
                out/f1.bin  failed (io)  0.50 s
                total 0.60 s, 1 of 2 failed
                """);
    }

    @Test
    void aJobIsShownUnderTheNameItHasOnceItStartsAndAFailedOneUnderItsLast() {
        ProgressPrinter printer = printer(ProgressMode.BAR, 2);
        // The server named the first file (Content-Disposition), and the second one's name was
        // another job's, so it got a number.
        progress.on(new ProgressEvent.Started(jobs.get(0), Path.of("report-2026.pdf"), 1, 0, OptionalLong.of(100)));
        List<String> frame = printer.frame(0);
        progress.on(new ProgressEvent.Failed(jobs.get(1), Path.of("f1.1.bin"),
                new HttpStatusException(URI.create("http://h/f1.bin"), 404, "Not Found"), Duration.ofMillis(20)));
        printer.finish(new Report(List.of(
                new Report.Item("http://h/f0.bin", "report-2026.pdf", true, 200, 100, 0.02, 1, null),
                new Report.Item("http://h/f1.bin", "f1.1.bin", false, 404, 0, 0.02, 1,
                        new Report.Error("http", "http://h/f1.bin: HTTP 404 Not Found"))), 100, 0.05));

        assertThat(frame.getFirst()).startsWith("  report-2026.pdf  0 B / 100 B  0%");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("f1.1.bin  failed (http)");
    }

    @Test
    void wideCharactersAreCountedAsTwoColumnsSoNoLineWrapsAndNoPairIsSplit() {
        // CJK and emoji take two columns each: counted as one, the line was 111 columns wide.
        String cjk = "\u6587".repeat(60) + ".bin";
        String emoji = "a" + "\uD83D\uDE00".repeat(40) + ".bin";
        jobs.add(DownloadJob.of(URI.create("http://h/1")));
        jobs.add(DownloadJob.of(URI.create("http://h/2")));
        progress = new DownloadProgress(jobs, List.of(cjk, emoji), () -> 0L);
        ProgressPrinter printer = new ProgressPrinter(ProgressMode.BAR, false, progress,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), 60);
        progress.on(new ProgressEvent.Started(jobs.get(0), null, 1, 0, OptionalLong.of(20L * MIB)));
        progress.on(new ProgressEvent.Started(jobs.get(1), null, 1, 0, OptionalLong.of(20L * MIB)));

        List<String> frame = printer.frame(0);

        assertThat(frame).hasSize(3).allSatisfy(line -> {
            assertThat(DisplayWidth.of(line)).as(line).isLessThan(60);
            // A lone surrogate is a pair cut in half: codePoints() gives it as its own value.
            assertThat(line.codePoints().filter(cp -> cp >= 0xD800 && cp <= 0xDFFF)).as(line).isEmpty();
        });
        assertThat(frame.get(0)).startsWith("  " + "\u6587".repeat(13) + "...  0 B / 20.0 MiB");
        assertThat(frame.get(1)).startsWith("  a" + "\uD83D\uDE00".repeat(13) + "...  0 B / 20.0 MiB");
    }

    @Test
    void namesFromAHostileServerCannotSendTerminalEscapes() {
        ProgressPrinter printer = printer(ProgressMode.LINES, 1);
        progress.on(new ProgressEvent.Finished(jobs.getFirst(), Path.of("evil\u001b[2Jname"), 1, Duration.ZERO));
        printer.tick(0);

        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("evil\\x1b[2Jname  1 bytes");
    }

    @Test
    void theTotalLineOfASuccessCountsFilesAndBytes() {
        Report one = new Report(List.of(new Report.Item("u", "p", true, 200, 5, 0.1, 1, null)), 5, 0.1);

        assertThat(ProgressPrinter.totalLine(one)).isEqualTo("total 0.10 s, 1 file, 5 bytes");
        assertThat(Optional.of(Units.eta(3725))).contains("1h02m");
        assertThat(Units.eta(185)).isEqualTo("3m05s");
        assertThat(Units.bytes(1023)).isEqualTo("1023 B");
        assertThat(Units.bytes(1536)).isEqualTo("1.5 KiB");
    }
}
