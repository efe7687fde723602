package dev.sluice.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload (j): many small files with the command-line tool, as users compare it with curl and
 * aria2c: 10,000 files of 1 KiB and 2,000 of 64 KiB (3,000 and 600 in the quick mode) from
 * nginx, 16 at once, each into its own file on tmpfs. Every client is a whole process, timed
 * from start to exit (for sluice: JVM start-up, reading the list, every file, the summary and
 * exit), with its default output; the ratios are the peer's wall over sluice's, round by round.
 */
final class SmallFiles {
    static final String SLUICE = "sluice download -j 16";
    static final String CURL = "curl --parallel --parallel-max 16";
    static final String ARIA2 = "aria2c -j16 -x1";
    static final List<String> PEERS = List.of(CURL, ARIA2);

    /** One set of files: where nginx serves them, how many and how big. */
    record FileSet(String path, int count, int size) {
        String label() {
            return ManyFiles.count(count) + " × " + (size >= 1024 ? size / 1024 + " KiB" : size + " B");
        }
    }

    /** The sets scripts/bench makes (data/small1k, data/small64k); the quick mode takes their first files. */
    static final List<FileSet> SERVED = List.of(new FileSet("/small1k/", 10_000, 1024), new FileSet("/small64k/", 2_000, 65_536));

    record SetResult(FileSet set, Rounds rounds) {
    }

    record Result(List<SetResult> sets, List<String> commands, int roundsRun) {
    }

    private final Config cfg;
    private final Cli cli;

    SmallFiles(Config cfg) {
        this.cfg = cfg;
        this.cli = new Cli(cfg.cli());
    }

    Result run() throws Exception {
        boolean hasAria2 = !Processes.outputOrEmpty(List.of("aria2c", "--version")).isBlank();
        List<SetResult> results = new ArrayList<>();
        for (FileSet served : SERVED) {
            FileSet set = cfg.quick() ? new FileSet(served.path(), served.count() * 3 / 10, served.size()) : served;
            results.add(new SetResult(set, run(set, hasAria2)));
        }
        List<String> commands = new ArrayList<>();
        commands.add("sluice: `./sluice download -i LIST -d DIR -j 16` (its default output: a line per file on "
                + "standard output, here into a file, and a total line)");
        commands.add("curl: `curl -s -S -f --parallel --parallel-max 16 --output-dir DIR --remote-name-all URL1 ... URLn`");
        if (hasAria2) {
            commands.add("aria2c: `aria2c -j16 -x1 -i LIST -d DIR --allow-overwrite=true --auto-file-renaming=false "
                    + "--console-log-level=warn --summary-interval=0 --file-allocation=none`");
        }
        return new Result(results, commands, cfg.smallFileRounds());
    }

    private Rounds run(FileSet set, boolean hasAria2) throws Exception {
        String name = set.path().replace("/", "");
        Path list = cfg.work().resolve(name + ".list");
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < set.count(); i++) {
            urls.add(cfg.url(set.path() + String.format("f%05d", i)));
        }
        Files.write(list, urls);
        Path dir = cfg.shm().resolve(name + "-out");

        List<String> sluice = List.of(cli.launcher().toString(), "download", "-i", list.toString(), "-d", dir.toString(),
                "-j", "16");
        List<String> curl = new ArrayList<>(List.of("curl", "-s", "-S", "-f", "--parallel", "--parallel-max", "16",
                "--output-dir", dir.toString(), "--remote-name-all"));
        curl.addAll(urls);
        List<String> aria2 = List.of("aria2c", "-j16", "-x1", "-i", list.toString(), "-d", dir.toString(),
                "--allow-overwrite=true", "--auto-file-renaming=false", "--console-log-level=warn",
                "--summary-interval=0", "--file-allocation=none");

        List<String> order = new ArrayList<>(List.of(SLUICE, CURL));
        if (hasAria2) {
            order.add(ARIA2);
        }
        Rounds rounds = new Rounds();
        System.out.println("(j) " + set.label() + ", 16 at once: warm-up (one untimed run each)");
        for (int r = -1; r < cfg.smallFileRounds(); r++) {
            for (String client : Rounds.rotate(order, Math.max(r, 0))) {
                Scratch.fresh(dir);
                List<String> command = switch (client) {
                    case SLUICE -> sluice;
                    case CURL -> curl;
                    case ARIA2 -> aria2;
                    default -> throw new IllegalStateException(client);
                };
                double t = Processes.run(command, client.equals(SLUICE) ? Cli.env() : Map.of()).seconds();
                Scratch.expectFiles(dir, set.count(), set.size(), client);
                if (r >= 0) {
                    rounds.add(client, t);
                }
            }
            if (r >= 0) {
                StringBuilder line = new StringBuilder("  round " + (r + 1) + ":");
                for (String s : order) {
                    List<Double> v = rounds.get(s);
                    line.append(String.format("  %s %.3f", s, v.get(v.size() - 1)));
                }
                System.out.println(line);
            }
        }
        Scratch.delete(dir);
        Files.deleteIfExists(list);
        return rounds;
    }

    static void write(StringBuilder md, Result res) {
        md.append("## (j) Many small files with the command-line tool, 16 at once\n\n")
                .append("The files are distinct, of random bytes, served by nginx (no rate limit): ");
        List<String> labels = res.sets().stream().map(s -> s.set().label()).toList();
        md.append(String.join(" and ", labels)).append(". Each client writes them into a directory on tmpfs ")
                .append("(`/dev/shm`) that is deleted and made again before every run; after every run the harness ")
                .append("checks that exactly the expected complete files and nothing else are there. Every client is a ")
                .append("whole process, timed by the harness from start to exit: for sluice that includes the JVM's ")
                .append("start-up, reading the list, the summary and exit, as a user sees it. One untimed run of each ")
                .append("client first, then ").append(res.roundsRun()).append(" rounds, each running every client once ")
                .append("in an order that rotates from round to round; ratios are taken within a round.\n\n");
        for (String c : res.commands()) {
            md.append("- ").append(c).append('\n');
        }
        md.append("\n| files | client | whole process, median s (min–max) | peer s / sluice s, median (min–max), in run order |\n")
                .append("|---|---|---|---|\n");
        for (SetResult s : res.sets()) {
            Rounds r = s.rounds();
            md.append("| ").append(s.set().label()).append(" | ").append(SLUICE).append(" | ")
                    .append(Rounds.seconds(r.stats(SLUICE))).append(" | – |\n");
            for (String peer : PEERS) {
                if (r.has(peer)) {
                    md.append("| ").append(s.set().label()).append(" | ").append(peer).append(" | ")
                            .append(Rounds.seconds(r.stats(peer))).append(" | ")
                            .append(Rounds.ratio(r.ratios(peer, SLUICE))).append(' ')
                            .append(Rounds.each(r.ratios(peer, SLUICE))).append(" |\n");
                }
            }
        }
        md.append("\nAbove 1 sluice is faster, below 1 slower. Files per second, sluice's median: ");
        List<String> rates = new ArrayList<>();
        for (SetResult s : res.sets()) {
            rates.add(String.format("%,.0f for %s", s.set().count() / s.rounds().stats(SLUICE).median(), s.set().label()));
        }
        md.append(String.join(", ", rates)).append(".\n\n");
    }

    /** The Targets row: informational, the ratio against curl of the first (smallest-file) set. */
    static void summaryRow(StringBuilder md, Result res) {
        SetResult first = res.sets().getFirst();
        Stats curl = Stats.of(first.rounds().ratios(CURL, SLUICE));
        md.append("| (j) ").append(first.set().label()).append(" with the CLI, 16 at once | none (informational) | ")
                .append(String.format("curl's time / sluice's %.2f (%.2f–%.2f)", curl.median(), curl.min(), curl.max()));
        Rounds r = first.rounds();
        if (r.has(ARIA2)) {
            Stats aria2 = Stats.of(r.ratios(ARIA2, SLUICE));
            md.append(String.format(", aria2c's %.2f", aria2.median()));
        }
        md.append(", whole processes | – |\n");
    }
}
