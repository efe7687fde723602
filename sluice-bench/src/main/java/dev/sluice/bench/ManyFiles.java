package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Workload (f): 1,000 files of 1 MiB from nginx (300 in the quick mode), 16 at once, each into its
 * own file on tmpfs.
 * sluice is the command-line tool ({@code sluice download -j 16}); its own figure is the report's
 * {@code totalSeconds} (in-process: first request to last file, JVM start-up excluded), and its
 * whole-process wall is recorded too. The peers are whole processes: aria2c, curl --parallel and
 * aiohttp (the scale harness's script, which also prints its in-process time).
 */
final class ManyFiles {
    static final String SLUICE = "sluice download -j 16";
    static final String SLUICE_WALL = "sluice download -j 16 (whole process)";
    static final String ARIA2 = "aria2c -j16 -x1";
    static final String CURL = "curl --parallel --parallel-max 16";
    static final String AIOHTTP = "aiohttp, limit=16";
    static final String AIOHTTP_IN = "aiohttp, limit=16 (in-process)";
    private static final Pattern AIO_RESULT = Pattern.compile("RESULT inwall=([0-9.]+) .*ok=(\\d+) expected=(\\d+)");

    /** The peers whose whole-process wall sluice's totalSeconds is held against. */
    static final List<String> PEERS = List.of(ARIA2, CURL, AIOHTTP);

    record Result(Rounds rounds, List<String> commands, String aria2Version) {
    }

    private final Config cfg;
    private final Cli cli;

    ManyFiles(Config cfg) {
        this.cfg = cfg;
        this.cli = new Cli(cfg.cli());
    }

    Result run() throws Exception {
        Path list = cfg.work().resolve("files.list");
        List<String> urls = new ArrayList<>();
        int n = cfg.files();
        for (int i = 0; i < n; i++) {
            urls.add(cfg.url(String.format("/files/f%04d", i)));
        }
        Files.write(list, urls);
        Path dir = cfg.shm().resolve("files-out");
        Path report = cfg.shm().resolve("files-report.json");

        List<String> sluiceArgs = List.of("-i", list.toString(), "-d", dir.toString(), "-j", "16");
        List<String> aria2 = new ArrayList<>(List.of("aria2c", "-j16", "-x1", "-i", list.toString(), "-d", dir.toString(),
                "--allow-overwrite=true", "--auto-file-renaming=false", "--console-log-level=warn",
                "--summary-interval=0", "--file-allocation=none"));
        List<String> curl = new ArrayList<>(List.of("curl", "-s", "-S", "-f", "--parallel", "--parallel-max", "16",
                "--output-dir", dir.toString(), "--remote-name-all"));
        curl.addAll(urls);
        List<String> aio = cfg.python() == null || cfg.aiohttpScale() == null ? null
                : List.of(cfg.python(), cfg.aiohttpScale(), "files", cfg.url("/files/"), String.valueOf(n),
                        String.valueOf(Config.FILE_SIZE), "16", "file", dir.toString());
        boolean hasAria2 = !Processes.outputOrEmpty(List.of("aria2c", "--version")).isBlank();

        List<String> commands = new ArrayList<>();
        commands.add("sluice: `" + Cli.shown("-i LIST -d DIR -j 16") + "`");
        if (hasAria2) {
            commands.add("aria2c: `" + String.join(" ", aria2).replace(list.toString(), "LIST")
                    .replace(dir.toString(), "DIR") + "`");
        }
        commands.add("curl: `curl -s -S -f --parallel --parallel-max 16 --output-dir DIR --remote-name-all URL1 ... URL"
                + n + "`");
        if (aio != null) {
            commands.add("aiohttp: `" + cfg.python() + " sluice-bench/src/main/resources/dev/sluice/bench/scale/aiohttp_scale.py "
                    + "files BASE/files/ " + n + " 1048576 16 file DIR` (`asyncio.gather` over all " + count(n) + ", "
                    + "`TCPConnector(limit=16)`, `iter_any()` written with `open(...).write`)");
        }

        Rounds rounds = new Rounds();
        List<String> order = new ArrayList<>(List.of(SLUICE, CURL));
        if (hasAria2) {
            order.add(1, ARIA2);
        }
        if (aio != null) {
            order.add(AIOHTTP);
        }
        System.out.println("(f) " + count(n) + " x 1 MiB, 16 at once: warm-up (one untimed run each)");
        for (int r = -1; r < cfg.rounds(); r++) {
            for (String client : Rounds.rotate(order, Math.max(r, 0))) {
                Scratch.fresh(dir);
                switch (client) {
                    case SLUICE -> {
                        Cli.Download d = cli.download(sluiceArgs, report);
                        Workloads.expect(d.totalBytes(), (long) n * Config.FILE_SIZE, "sluice download");
                        Scratch.expectFiles(dir, n, Config.FILE_SIZE, "sluice download");
                        if (r >= 0) {
                            rounds.add(SLUICE, d.totalSeconds());
                            rounds.add(SLUICE_WALL, d.wall());
                        }
                    }
                    case ARIA2 -> {
                        double t = Processes.run(aria2, Map.of()).seconds();
                        Scratch.expectFiles(dir, n, Config.FILE_SIZE, "aria2c");
                        if (r >= 0) {
                            rounds.add(ARIA2, t);
                        }
                    }
                    case CURL -> {
                        double t = Processes.run(curl, Map.of()).seconds();
                        Scratch.expectFiles(dir, n, Config.FILE_SIZE, "curl");
                        if (r >= 0) {
                            rounds.add(CURL, t);
                        }
                    }
                    case AIOHTTP -> {
                        Processes.Run run = Processes.run(aio, Map.of());
                        Matcher m = AIO_RESULT.matcher(run.out());
                        if (!m.find() || !m.group(2).equals(m.group(3))) {
                            throw new IOException("aiohttp: unexpected output: " + run.out().strip());
                        }
                        Scratch.expectFiles(dir, n, Config.FILE_SIZE, "aiohttp");
                        if (r >= 0) {
                            rounds.add(AIOHTTP, run.seconds());
                            rounds.add(AIOHTTP_IN, Double.parseDouble(m.group(1)));
                        }
                    }
                    default -> throw new IllegalStateException(client);
                }
            }
            if (r >= 0) {
                StringBuilder line = new StringBuilder("  round " + (r + 1) + ":");
                for (String s : List.of(SLUICE, SLUICE_WALL, ARIA2, CURL, AIOHTTP, AIOHTTP_IN)) {
                    if (rounds.has(s)) {
                        List<Double> v = rounds.get(s);
                        line.append(String.format("  %s %.3f", s, v.get(v.size() - 1)));
                    }
                }
                System.out.println(line);
            }
        }
        Scratch.delete(dir);
        String aria2Version = hasAria2 ? Workloads.firstLine(Processes.outputOrEmpty(List.of("aria2c", "--version"))) : null;
        return new Result(rounds, commands, aria2Version);
    }

    /** {@code 1,000}: a count as the report writes it. */
    static String count(int n) {
        return String.format("%,d", n);
    }

    /** The peer sluice's target is held against: the one with the lowest median ratio (the hardest). */
    static String hardestPeer(Rounds rounds) {
        String hardest = null;
        double worst = Double.MAX_VALUE;
        for (String peer : PEERS) {
            if (rounds.has(peer)) {
                double m = Stats.of(rounds.ratios(peer, SLUICE)).median();
                if (m < worst) {
                    worst = m;
                    hardest = peer;
                }
            }
        }
        return hardest;
    }

    static void write(StringBuilder md, Result res, Config cfg) {
        Rounds r = res.rounds();
        String n = count(cfg.files());
        md.append("## (f) ").append(n).append(" files of 1 MiB, 16 at once, into files\n\n")
                .append(n).append(" distinct 1 MiB files of random bytes from nginx (no rate limit")
                .append(cfg.files() < Config.FILES ? "; the quick mode takes the first " + n + " of the "
                        + count(Config.FILES) + " served" : "")
                .append("), at most 16 at once, ")
                .append("each written to its own file in a directory on tmpfs (`/dev/shm`, so the disk is not ")
                .append("measured) that is deleted and made again before every run; after every run the harness ")
                .append("checks that exactly ").append(n).append(" complete files and nothing else are there. One untimed run ")
                .append("of each client first (nginx's page cache, sluice's class-data-sharing archive), then ")
                .append(cfg.rounds()).append(" rounds, each running every client once in an order that rotates ")
                .append("from round to round; ratios are taken within a round.\n\n");
        for (String c : res.commands()) {
            md.append("- ").append(c).append('\n');
        }
        md.append("\n**In-process and whole-process.** sluice's own figure is the `totalSeconds` of its ")
                .append("`--report` (measured inside the JVM from the start of the first download to the end of ")
                .append("the last: JVM start-up, option parsing and exit are not in it). The peers' figures are ")
                .append("whole-process wall times (start to exit, timed by the harness), which include their ")
                .append("own start-up (a few milliseconds for aria2c and curl, a few hundred for Python and the ")
                .append("aiohttp import). sluice's whole-process wall and aiohttp's in-process time are shown ")
                .append("too, for the comparison like for like.\n\n");
        md.append("| client | what is timed | median s (min–max) |\n|---|---|---|\n");
        row(md, r, SLUICE, "in-process (`totalSeconds`)");
        row(md, r, SLUICE_WALL, "whole process");
        row(md, r, ARIA2, "whole process");
        row(md, r, CURL, "whole process");
        row(md, r, AIOHTTP, "whole process");
        row(md, r, AIOHTTP_IN, "in-process (first request to last body)");
        md.append("\nRatios within each round (above 1: sluice faster):\n\n")
                .append("| peer | peer whole-process / sluice `totalSeconds` (the target's measure) | ")
                .append("peer whole-process / sluice whole-process |\n|---|---|---|\n");
        for (String peer : PEERS) {
            if (r.has(peer)) {
                md.append("| ").append(peer).append(" | ").append(Rounds.ratio(r.ratios(peer, SLUICE))).append(' ')
                        .append(Rounds.each(r.ratios(peer, SLUICE))).append(" | ")
                        .append(Rounds.ratio(r.ratios(peer, SLUICE_WALL))).append(' ')
                        .append(Rounds.each(r.ratios(peer, SLUICE_WALL))).append(" |\n");
            }
        }
        if (r.has(AIOHTTP_IN)) {
            md.append("| aiohttp in-process / sluice `totalSeconds` (both in-process) | ")
                    .append(Rounds.ratio(r.ratios(AIOHTTP_IN, SLUICE))).append(' ')
                    .append(Rounds.each(r.ratios(AIOHTTP_IN, SLUICE))).append(" | |\n");
        }
        md.append('\n');
    }

    private static void row(StringBuilder md, Rounds r, String series, String what) {
        if (r.has(series)) {
            md.append("| ").append(series.replace(" (whole process)", "").replace(" (in-process)", ""))
                    .append(" | ").append(what).append(" | ").append(Rounds.seconds(r.stats(series))).append(" |\n");
        }
    }
}
