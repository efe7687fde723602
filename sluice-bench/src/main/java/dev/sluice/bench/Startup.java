package dev.sluice.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload (i), informational: how long one small request takes as a whole process, the JVM's
 * start-up included. {@code ./sluice get URL -o /dev/null} (the launcher, with and without its
 * start-up cache: an ahead-of-time cache on JDK 25+, a class-data-sharing archive before),
 * {@code java -jar sluice.jar} directly (with and without C1 only, and with the launcher's flags
 * but no launcher), against {@code curl}. Two reference
 * points split the time: {@code java -version} (the JVM's own floor) and the JDK probe
 * ({@code java -XshowSettings:properties -version}, which {@code scripts/find-jdk.sh} starts only
 * for a JDK without a {@code release} file; it used to run twice before every launch). Round by
 * round, the order rotating; times from process start to exit.
 */
final class Startup {
    static final String CURL = "curl -s -o /dev/null URL";
    static final String LAUNCHER = "./sluice get URL -o /dev/null (start-up cache, the default)";
    static final String LAUNCHER_NO_CDS = "SLUICE_CDS=0 ./sluice get URL -o /dev/null";
    static final String JAR_CDS = "java [the launcher's flags] -jar sluice.jar get URL -o /dev/null";
    static final String JAR = "java -jar sluice.jar get URL -o /dev/null";
    static final String JAR_C1 = "java -XX:TieredStopAtLevel=1 -jar sluice.jar get URL -o /dev/null";
    static final String VERSION = "java -version (reference: the JVM alone)";
    static final String PROBE = "java -XshowSettings:properties -version (reference: the JDK probe, for a JDK without a release file)";
    static final List<String> ALL = List.of(CURL, LAUNCHER, LAUNCHER_NO_CDS, JAR_CDS, JAR, JAR_C1, VERSION, PROBE);

    record Result(Rounds rounds, String archiveFlags, boolean aot) {
    }

    private final Config cfg;
    private final Cli cli;

    Startup(Config cfg) {
        this.cfg = cfg;
        this.cli = new Cli(cfg.cli());
    }

    Result run() throws Exception {
        String url = cfg.url("/1k");
        String java = Processes.javaBinary();
        String jar = cli.jar().toString();
        boolean aot = Runtime.version().feature() >= 25;
        List<String> archive = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
        if (Runtime.version().feature() >= 22) {
            archive.add("-XX:UserThreadWaitAttemptsAtExit=0");
        }
        archive.addAll(aot ? List.of("-XX:AOTCache=" + cli.aotCache()) : List.of("-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + cli.archive()));
        archive.addAll(List.of("-Xlog:disable", "-Xlog:all=off"));
        List<String> get = List.of("get", url, "-o", "/dev/null");
        Map<String, List<String>> commands = new LinkedHashMap<>();
        Map<String, Map<String, String>> envs = new HashMap<>();
        commands.put(CURL, List.of("curl", "-s", "-o", "/dev/null", url));
        commands.put(LAUNCHER, concat(List.of(cli.launcher().toString()), get));
        commands.put(LAUNCHER_NO_CDS, concat(List.of(cli.launcher().toString()), get));
        commands.put(JAR_CDS, concat(concat(List.of(java), archive), concat(List.of("-jar", jar), get)));
        commands.put(JAR, concat(List.of(java, "-jar", jar), get));
        commands.put(JAR_C1, concat(List.of(java, "-XX:TieredStopAtLevel=1", "-jar", jar), get));
        commands.put(VERSION, List.of(java, "-version"));
        commands.put(PROBE, List.of(java, "-XshowSettings:properties", "-version"));
        for (String k : ALL) {
            Map<String, String> env = new HashMap<>(Cli.env());
            if (k.equals(LAUNCHER_NO_CDS)) {
                env.put("SLUICE_CDS", "0");
            }
            envs.put(k, env);
        }
        // JDK 25+: the launcher's first run after a build records the ahead-of-time cache with its
        // training command; this run makes sure it exists. Before: -XX:+AutoCreateSharedArchive
        // writes the archive at the exit of a run that found none and never adds to it later, so
        // it holds the classes of whatever command made it. Workloads f and g ran "download" first;
        // the archive is remade here by a "get", as it would be for a user whose first command is a get.
        if (!aot) {
            Files.deleteIfExists(cli.archive());
        }
        Processes.run(commands.get(LAUNCHER), envs.get(LAUNCHER));
        System.out.println("(i) start-up: warm-up (" + warmups(cfg) + " untimed run(s) of each after the one that made "
                + "the start-up cache)");
        for (int i = 0; i < warmups(cfg); i++) {
            for (String k : ALL) {
                Processes.run(commands.get(k), envs.get(k));
            }
        }
        Rounds rounds = new Rounds();
        for (int r = 0; r < cfg.startupRounds(); r++) {
            for (String k : Rounds.rotate(ALL, r)) {
                rounds.add(k, Processes.run(commands.get(k), envs.get(k)).seconds());
            }
            System.out.printf("  round %d: curl %.0f ms, ./sluice %.0f ms, no CDS %.0f ms, java -jar %.0f ms%n", r + 1,
                    ms(rounds, CURL), ms(rounds, LAUNCHER), ms(rounds, LAUNCHER_NO_CDS), ms(rounds, JAR));
        }
        return new Result(rounds, String.join(" ", archive).replace(cli.archive().toString(), "sluice-cds.jsa")
                .replace(cli.aotCache().toString(), "sluice.aot"), aot);
    }

    /** Untimed rounds before the timed ones: two, one in the quick mode. */
    private static int warmups(Config cfg) {
        return cfg.quick() ? 1 : 2;
    }

    private static double ms(Rounds r, String s) {
        List<Double> v = r.get(s);
        return v.get(v.size() - 1) * 1000;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static void write(StringBuilder md, Result res, Config cfg) {
        Rounds r = res.rounds();
        md.append("## (i) Start-up: one 1 KiB GET as a whole process (informational)\n\n")
                .append("Each command fetches a 1 KiB file from nginx and writes it to `/dev/null`; the time is ")
                .append("the whole process, from start to exit, timed by the harness (`System.nanoTime()` around ")
                .append("`ProcessBuilder.start()` and `waitFor()`; the same few milliseconds of spawning are in ")
                .append("every row). ").append(warmups(cfg) == 2 ? "Two untimed runs" : "One untimed run")
                .append(" of each first (after the launcher run that makes sure the start-up cache exists), then ")
                .append(cfg.startupRounds()).append(" rounds, each running every command once in an ")
                .append("order that rotates. ")
                .append(res.aot()
                        ? "The start-up cache is the ahead-of-time cache (JDK 25+) the launcher records once per build "
                                + "by a training run of the tool's own commands (`get`, `download`, `demo`) against an "
                                + "in-process server. "
                        : "The start-up cache is a class-data-sharing archive, deleted first and remade by an untimed "
                                + "`./sluice get` (`-XX:+AutoCreateSharedArchive` dumps the classes of the run that found no "
                                + "archive and never adds to it: whichever command runs first decides what is in it; "
                                + "(f) and (g) had made it with `download`). ")
                .append("`./sluice` is a frozen copy of the launcher and jar (see the notes), ")
                .append("run with `JAVA_HOME` set to the harness's JDK; the launcher then execs `java ")
                .append(res.archiveFlags()).append(" -jar sluice.jar`. `SLUICE_CDS=0` drops the cache flags (the ")
                .append("JDK's own default archive of its classes still applies to every `java` row). All JVM rows ")
                .append("run the same JDK with its default flags otherwise.\n\n");
        md.append("| command | median ms (min–max) | median × curl's time (within a round) |\n|---|---|---|\n");
        for (String k : ALL) {
            Stats s = r.stats(k);
            List<Double> x = r.ratios(k, CURL);
            md.append("| `").append(k.replaceAll(" \\(.*", "")).append('`')
                    .append(k.contains("(") ? " " + k.substring(k.indexOf('(')) : "")
                    .append(" | ").append(String.format("%.0f (%.0f–%.0f)", s.median() * 1000, s.min() * 1000, s.max() * 1000))
                    .append(" | ").append(k.equals(CURL) ? "1" : String.format("%.1f", Stats.of(x).median()))
                    .append(" |\n");
        }
        double launcherPart = Stats.of(diff(r, LAUNCHER, JAR_CDS)).median() * 1000;
        double cdsGain = Stats.of(diff(r, LAUNCHER_NO_CDS, LAUNCHER)).median() * 1000;
        double c1Gain = Stats.of(diff(r, JAR, JAR_C1)).median() * 1000;
        double floor = r.stats(VERSION).median() * 1000;
        double probe = r.stats(PROBE).median() * 1000;
        double app = Stats.of(diff(r, JAR_CDS, VERSION)).median() * 1000;
        double total = r.stats(LAUNCHER).median() * 1000;
        md.append("\nWhere `./sluice get`'s ").append(String.format("%.0f ms", total))
                .append(" go (medians of within-round differences; they need not add up exactly):\n\n")
                .append(String.format("- the launcher script: %.0f ms (`./sluice` minus the same `java` command run "
                        + "directly): bash, `scripts/find-jdk.sh` (which reads the JDK's version from its `release` "
                        + "file and starts `java -XshowSettings:properties -version`, %.0f ms alone, only for a JDK "
                        + "without one), the launcher's check for changed sources, and the `exec`%n", launcherPart, probe))
                .append(String.format("- the JVM itself: %.0f ms (`java -version`: boot, the JDK's own class archive, "
                        + "shutdown)%n", floor))
                .append(String.format("- sluice's work in the JVM beyond that: %.0f ms (the archived `java -jar` "
                        + "minus `java -version`: loading and linking sluice's and picocli's classes, parsing the "
                        + "options, the request in the interpreter before the JIT has compiled anything, exit)%n", app))
                .append(String.format("- the start-up cache saves %.0f ms (`SLUICE_CDS=0` minus the "
                        + "default); `-XX:TieredStopAtLevel=1` changes a plain `java -jar` by %.0f ms (positive: "
                        + "faster with C1 only)%n%n", cdsGain, c1Gain));
    }

    private static List<Double> diff(Rounds r, String a, String b) {
        List<Double> x = r.get(a);
        List<Double> y = r.get(b);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            out.add(x.get(i) - y.get(i));
        }
        return out;
    }
}
