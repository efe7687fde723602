package dev.sluice.bench;

import dev.sluice.bench.codec.ChunkedBodyBenchmark;
import dev.sluice.bench.codec.ResponseHeadBenchmark;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Workload (e): the codec alone, under JMH, in a forked JVM. */
final class CodecBench {

    /**
     * One JMH benchmark's figures, scaled to the unit reported.
     *
     * @param name   what was measured
     * @param unit   the unit of the figures
     * @param score  JMH's mean over measurement iterations
     * @param error  JMH's 99.9% confidence half-width
     * @param min    the slowest iteration
     * @param max    the fastest iteration
     */
    record Figure(String name, String unit, double score, double error, double min, double max) {
    }

    /**
     * @param figures one per benchmark
     * @param config  the JMH settings, as words for the report
     */
    record Results(List<Figure> figures, String config) {
    }

    static Results run(boolean quick) throws Exception {
        // Quick: one fork, 3 warm-up and 4 measurement iterations of half a second (about 10 s for
        // both benchmarks, fork start-up included); full: 2 forks, 5 + 10 iterations of 1 s.
        int forks = quick ? 1 : 2;
        int warmups = quick ? 3 : 5;
        int iterations = quick ? 4 : 10;
        TimeValue time = quick ? TimeValue.milliseconds(500) : TimeValue.seconds(1);
        Options options = new OptionsBuilder()
                .include(ResponseHeadBenchmark.class.getName())
                .include(ChunkedBodyBenchmark.class.getName())
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(time)
                .measurementIterations(iterations)
                .measurementTime(time)
                .jvm(Processes.javaBinary())
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        List<Figure> figures = new ArrayList<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            Result<?> primary = r.getPrimaryResult();
            var stats = primary.getStatistics();
            if (label.endsWith("ResponseHeadBenchmark.head")) {
                figures.add(new Figure("response head, 10 fields (direct buffer)", "heads/s",
                        primary.getScore(), primary.getScoreError(), stats.getMin(), stats.getMax()));
            } else {
                double gib = ChunkedBodyBenchmark.BODY_BYTES / (double) (1L << 30);
                figures.add(new Figure("chunked body, 16 x 64 KiB chunks per response (direct buffer)", "GiB/s",
                        primary.getScore() * gib, primary.getScoreError() * gib, stats.getMin() * gib,
                        stats.getMax() * gib));
            }
        }
        String config = forks + " fork" + (forks > 1 ? "s" : "") + ", " + warmups + " warm-up + " + iterations
                + " measurement iterations of " + (quick ? "0.5 s" : "1 s") + ", throughput mode";
        return new Results(figures, config);
    }
}
