package dev.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.xml.sax.InputSource;

/** The sentences and the chart, from figures made up for the test. */
class DemoReportTest {
    private static final DemoSettings SETTINGS = new DemoSettings(24, 2 << 20, 50, 10 << 20, 8);

    private static Map<Mode, ModeResult> results(double... seconds) {
        Map<Mode, ModeResult> m = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            List<FileOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                byte[] sum = {(byte) i};
                outcomes.add(FileOutcome.received(i + ".bin", 2 << 20, sum, sum));
            }
            m.put(mode, new ModeResult(mode, outcomes, (long) (seconds[mode.ordinal()] * 1e9), 10 << 20));
        }
        return m;
    }

    @Test
    void theSentencesStateTheMeasuredRatios() {
        List<String> s = ResultTable.interpret(results(6.0, 6.1, 0.75, 0.80), SETTINGS);
        assertThat(s.get(0)).isEqualTo("Downloading 8 at a time took 0.75 s with the async API and 0.80 s with plain"
                + " sync code on virtual threads, against 6.00 s one after the other: 8.0x faster and 7.5x faster"
                + " (the least this network allows is 0.75 s against 6.00 s).");
        assertThat(s.get(1)).isEqualTo("Virtual-thread sync code was 7% slower than the async API; one-by-one async"
                + " downloads were within 2% of sequential sync ones: asynchrony alone does not make downloads"
                + " faster, concurrency does.");
    }

    @Test
    void slowerConcurrentModesAreCalledSlower() {
        List<String> s = ResultTable.interpret(results(1.0, 2.0, 1.5, 1.01), SETTINGS);
        assertThat(s.get(0)).contains("1.5x slower and as fast");
        assertThat(s.get(1)).isEqualTo("Virtual-thread sync code was 33% faster than the async API; one-by-one async"
                + " downloads were 100% slower than sequential sync ones.");
    }

    @Test
    void theChartIsWellFormedEvenWithOddFigures() throws Exception {
        Map<Mode, ModeResult> m = results(0.0, 1e-6, 1234.5, 3.0);
        String svg = SvgChart.render(List.copyOf(m.values()), SETTINGS, "Java <25> & \"friends\"");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getDocumentElement().getTextContent()).contains("Java <25> & \"friends\"");
    }

    @Test
    void axisStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(SvgChart.niceStep(6.2)).isEqualTo(2.0);
        assertThat(SvgChart.niceStep(0.8)).isEqualTo(0.2);
        assertThat(SvgChart.niceStep(45)).isEqualTo(10.0);
        assertThat(SvgChart.niceStep(20)).isEqualTo(5.0);
        assertThat(SvgChart.niceStep(0)).isEqualTo(1.0);
    }

    @Test
    void theTableHeadsItsLastColumnPeakMemoryAndSaysWhatIsMeasured() {
        var bytes = new java.io.ByteArrayOutputStream();
        var table = new ResultTable(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8),
                SETTINGS);
        table.printHeader();
        table.printKey();
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text.lines().findFirst().orElseThrow()).endsWith("peak memory").doesNotContain("heap");
        assertThat(text).contains("peak memory: the most JVM heap in use during the mode");
    }

    @Test
    void theSentencesSayHowManyDownloadsRanAtOnceNotTheConcurrencyAsked() {
        DemoSettings twoFiles = new DemoSettings(2, 2 << 20, 50, 10 << 20, 8);
        assertThat(ResultTable.interpret(results(6.0, 6.1, 0.75, 0.80), twoFiles).get(0))
                .startsWith("Downloading 2 at a time took 0.75 s");

        DemoSettings oneFile = new DemoSettings(1, 2 << 20, 50, 10 << 20, 1000);
        assertThat(ResultTable.interpret(results(6.0, 6.1, 5.9, 6.0), oneFile).get(0))
                .startsWith("With one download at a time (a single file), the concurrent modes took 5.90 s with the"
                        + " async API and 6.00 s with plain sync code on virtual threads, against 6.00 s one after"
                        + " the other: as fast and as fast");

        DemoSettings oneAtOnce = new DemoSettings(24, 2 << 20, 50, 10 << 20, 1);
        assertThat(ResultTable.interpret(results(6.0, 6.1, 5.9, 6.0), oneAtOnce).get(0))
                .startsWith("With one download at a time (--concurrency 1), the concurrent modes took");
    }

    @Test
    void modesTooShortToTimeAreNotCompared() {
        List<String> s = ResultTable.interpret(results(0.004, 0.006, 0.003, 0.002), SETTINGS);
        assertThat(s).hasSize(2);
        assertThat(s.get(0)).isEqualTo("Downloading 8 at a time took 0.00 s with the async API and 0.00 s with plain"
                + " sync code on virtual threads, against 0.00 s one after the other (the least this network allows"
                + " is 0.75 s against 6.00 s).");
        assertThat(s.get(1)).isEqualTo("Modes that took less than 0.01 s are not compared: times that short are"
                + " mostly noise (more files, larger ones or a longer --latency give figures to compare).");
        assertThat(String.join(" ", s)).doesNotContain("faster", "slower", "as fast", "within");
    }

    @Test
    void onlyThePairsThatBothTookLongEnoughAreCompared() {
        List<String> s = ResultTable.interpret(results(1.0, 1.01, 0.009, 0.02), SETTINGS);
        assertThat(s.get(0)).doesNotContain("faster", "slower", "as fast");
        assertThat(s.get(1)).isEqualTo("One-by-one async downloads were within 1% of sequential sync ones: asynchrony"
                + " alone does not make downloads faster, concurrency does.");
        assertThat(s.get(2)).startsWith("Modes that took less than 0.01 s are not compared");

        List<String> longer = ResultTable.interpret(results(1.0, 1.01, 0.5, 0.02), SETTINGS);
        assertThat(longer.get(0)).contains(": 2.0x faster and 50.0x faster (");
        assertThat(longer).hasSize(2);
    }
}
