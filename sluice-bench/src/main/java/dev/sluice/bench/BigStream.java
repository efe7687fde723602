package dev.sluice.bench;

import dev.sluice.bench.Pairing.Unit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Workload (d): a 10 GiB body through a fresh JVM capped at {@code -Xmx64m}, discarding, to show
 * that memory per stream is constant. Each run is paired with curl for a sense of speed; the
 * child's own timing starts after JVM start-up but includes JIT warm-up (one cold fetch).
 */
final class BigStream {
    static final int PAIRS = 3;
    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern CHILD = Pattern.compile("^STREAM bytes=(\\d+) seconds=([0-9.]+) vmhwm_kib=(\\d+)$",
            Pattern.MULTILINE);

    /**
     * @param pairing    in-child sluice seconds vs curl seconds (start-up subtracted)
     * @param rssKib     peak RSS of each child JVM, from /usr/bin/time -v when present, else VmHWM
     * @param rssSource  where the RSS figures come from
     * @param completed  runs that delivered all 10 GiB
     */
    record Result(Pairing pairing, List<Double> rssKib, String rssSource, int completed) {
    }

    private final Config cfg;
    private final Path jar;

    BigStream(Config cfg, Path jar) {
        this.cfg = cfg;
        this.jar = jar;
    }

    Result run(double curlStartup) throws Exception {
        String url = cfg.url("/10g");
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        Pairing pairing = new Pairing("curl -o /dev/null", Unit.SECONDS);
        List<Double> rss = new ArrayList<>();
        int[] completed = {0};
        System.out.println("(d) 10 GiB under -Xmx64m: filling the page cache");
        Processes.timeSeconds(List.of("curl", "-s", "-o", "/dev/null", url));
        for (int i = 0; i < PAIRS; i++) {
            pairing.runPair(i, () -> {
                List<String> cmd = new ArrayList<>();
                if (gnuTime) {
                    cmd.addAll(List.of("/usr/bin/time", "-v"));
                }
                cmd.addAll(List.of(Processes.javaBinary(), "-Xmx64m", "-cp", jar.toString(),
                        "dev.sluice.bench.Main", "stream", url));
                String out = Processes.output(cmd);
                Matcher child = CHILD.matcher(out);
                if (!child.find()) {
                    throw new IOException("the -Xmx64m child printed no result: " + out);
                }
                Workloads.expect(Long.parseLong(child.group(1)), Config.TEN_GIB, "sluice -Xmx64m");
                completed[0]++;
                Matcher m = MAX_RSS.matcher(out);
                rss.add(gnuTime && m.find() ? Double.parseDouble(m.group(1)) : Double.parseDouble(child.group(3)));
                return Double.parseDouble(child.group(2));
            }, () -> Processes.timeSeconds(List.of("curl", "-s", "-o", "/dev/null", url)) - curlStartup);
        }
        return new Result(pairing, rss, gnuTime ? "/usr/bin/time -v (whole JVM)" : "VmHWM read by the JVM at the end",
                completed[0]);
    }

    /** The child's side: one fetch, discarding, then its timing and its peak RSS. */
    static void child(String url) throws Exception {
        long start = System.nanoTime();
        long bytes;
        try (SluiceFetcher f = new SluiceFetcher()) {
            bytes = f.discard(url);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long hwm = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        System.out.printf("STREAM bytes=%d seconds=%.6f vmhwm_kib=%d%n", bytes, seconds, hwm);
    }
}
