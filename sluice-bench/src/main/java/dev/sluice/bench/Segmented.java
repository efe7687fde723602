package dev.sluice.bench;

import dev.sluice.bench.Pairing.Unit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload (g): one 64 MiB file from an nginx location with {@code limit_rate 8m} (per
 * connection), with {@code sluice download -s 4} (four byte ranges over four connections) against
 * {@code -s 1}, pair by pair; aria2c {@code -x4 -s4} for context. The figure is the report's
 * {@code totalSeconds}; whole-process walls are recorded too.
 */
final class Segmented {
    static final String PATH = "/r8m/64m";

    /**
     * @param pairing     sluice -s 4 (as "sluice") against -s 1 (as the "peer"), totalSeconds
     * @param wall4       whole-process wall of each -s 4 run
     * @param wall1       whole-process wall of each -s 1 run
     * @param aria2       whole-process wall of aria2c -x4 -s4 runs (empty without aria2c)
     */
    record Result(Pairing pairing, List<Double> wall4, List<Double> wall1, List<Double> aria2, List<String> anomalies) {
        /** -s 4 time / -s 1 time, pair by pair (the target's measure: at most 0.30). */
        List<Double> fractions() {
            List<Double> f = new ArrayList<>();
            for (int i = 0; i < pairing.sluice.size(); i++) {
                f.add(pairing.sluice.get(i) / pairing.peerValues.get(i));
            }
            return f;
        }
    }

    private final Config cfg;
    private final Cli cli;

    Segmented(Config cfg) {
        this.cfg = cfg;
        this.cli = new Cli(cfg.cli());
    }

    Result run() throws Exception {
        String url = cfg.url(PATH);
        Path dir = cfg.shm().resolve("segmented-out");
        Path report = cfg.shm().resolve("segmented-report.json");
        Path file = dir.resolve("64m");
        boolean hasAria2 = !Processes.outputOrEmpty(List.of("aria2c", "--version")).isBlank();
        List<String> aria2 = List.of("aria2c", "-x4", "-s4", "-k1M", "-d", dir.toString(),
                "--allow-overwrite=true", "--auto-file-renaming=false", "--console-log-level=warn",
                "--summary-interval=0", "--file-allocation=none", url);
        Pairing pairing = new Pairing("sluice download -s 1", Unit.SECONDS);
        List<Double> wall4 = new ArrayList<>();
        List<Double> wall1 = new ArrayList<>();
        List<Double> aria = new ArrayList<>();
        List<String> anomalies = new ArrayList<>();
        Path source = cfg.work().resolve("data").resolve("64m");
        System.out.println("(g) 64 MiB at 8 MiB/s per connection: warm-up (-s 4 once, untimed)");
        Scratch.fresh(dir);
        cli.download(List.of(url, "-d", dir.toString(), "-s", "4"), report);
        for (int i = 0; i < cfg.segPairs(); i++) {
            pairing.runPair(i, () -> {
                Scratch.fresh(dir);
                Cli.Download d = cli.download(List.of(url, "-d", dir.toString(), "-s", "4"), report);
                check(d, file, source, "sluice -s 4", anomalies);
                wall4.add(d.wall());
                return d.totalSeconds();
            }, () -> {
                Scratch.fresh(dir);
                Cli.Download d = cli.download(List.of(url, "-d", dir.toString(), "-s", "1"), report);
                check(d, file, source, "sluice -s 1", anomalies);
                wall1.add(d.wall());
                return d.totalSeconds();
            });
            if (hasAria2) {
                Scratch.fresh(dir);
                double t = Processes.run(aria2, Map.of()).seconds();
                verify(file, source, "aria2c -x4 -s4");
                aria.add(t);
                System.out.printf("  aria2c -x4 -s4: %.3f s%n", t);
            }
        }
        Scratch.delete(dir);
        return new Result(pairing, wall4, wall1, aria, anomalies);
    }

    /**
     * The file must be complete and equal to the served one (compared byte by byte, untimed). A
     * report whose {@code totalBytes} disagrees with an intact file is a reporting fault, not a
     * failed transfer: it is recorded for the report and the run still counts.
     */
    private static void check(Cli.Download d, Path file, Path source, String who, List<String> anomalies)
            throws Exception {
        verify(file, source, who);
        if (d.totalBytes() != Config.SEGMENTED_SIZE) {
            String a = who + ": the report's totalBytes was " + d.totalBytes() + ", the file (verified) "
                    + Config.SEGMENTED_SIZE;
            anomalies.add(a);
            System.out.println("  NOTE " + a);
        }
    }

    private static void verify(Path file, Path source, String who) throws Exception {
        Workloads.expect(Files.size(file), Config.SEGMENTED_SIZE, who + " (file size)");
        long at = Files.mismatch(file, source);
        if (at >= 0) {
            throw new java.io.IOException(who + ": the file differs from the served one at byte " + at);
        }
    }

    static void write(StringBuilder md, Result res, Config cfg) {
        md.append("## (g) Segmented download: one 64 MiB file at 8 MiB/s per connection\n\n")
                .append("nginx serves the file from a location with `limit_rate 8m` (per connection), so one ")
                .append("connection needs about 8 s and four ranges over four connections about 2 s. sluice: `")
                .append(Cli.shown("URL -d DIR -s 4")).append("` against the same with `-s 1`, pair by pair (the ")
                .append("order alternates), into tmpfs, the file deleted between runs; the figure is the report's ")
                .append("`totalSeconds` (in-process). aria2c for context: `aria2c -x4 -s4 -k1M -d DIR URL` plus the ")
                .append("flags of (f) (`-k1M` lets it cut 64 MiB into 4 pieces; its default minimum piece is ")
                .append("20 MiB), whole process, once after each pair. One untimed `-s 4` run first.\n\n");
        Stats s4 = res.pairing().sluiceStats();
        Stats s1 = res.pairing().peerStats();
        md.append("| run | median s (min–max) | runs |\n|---|---|---|\n");
        md.append("| sluice `-s 4`, `totalSeconds` | ").append(Rounds.seconds(s4)).append(" | ").append(s4.count()).append(" |\n");
        md.append("| sluice `-s 1`, `totalSeconds` | ").append(Rounds.seconds(s1)).append(" | ").append(s1.count()).append(" |\n");
        md.append("| sluice `-s 4`, whole process | ").append(Rounds.seconds(Stats.of(res.wall4()))).append(" | ")
                .append(res.wall4().size()).append(" |\n");
        md.append("| sluice `-s 1`, whole process | ").append(Rounds.seconds(Stats.of(res.wall1()))).append(" | ")
                .append(res.wall1().size()).append(" |\n");
        if (!res.aria2().isEmpty()) {
            md.append("| aria2c `-x4 -s4`, whole process | ").append(Rounds.seconds(Stats.of(res.aria2()))).append(" | ")
                    .append(res.aria2().size()).append(" |\n");
        }
        md.append("\n`-s 4` time / `-s 1` time, pair by pair (target: at most 0.30): median ")
                .append(Rounds.ratio(res.fractions())).append(", in run order ").append(Rounds.each(res.fractions()))
                .append(". Speed-up (`-s 1` / `-s 4`): ").append(Rounds.ratio(res.pairing().ratios)).append(".\n\n");
        md.append("Every file written was compared byte by byte with the served one (untimed).");
        if (res.anomalies().isEmpty()) {
            md.append(" Every report's `totalBytes` was 67,108,864.\n\n");
        } else {
            md.append(" **Reporting fault seen:** in ").append(res.anomalies().size())
                    .append(" run(s) the file was complete and correct but the report's `totalBytes` was short: ")
                    .append(String.join("; ", res.anomalies())).append(" (a fault in sluice's report, ")
                    .append("not in the transfer; the run still counts).\n\n");
        }
    }
}
