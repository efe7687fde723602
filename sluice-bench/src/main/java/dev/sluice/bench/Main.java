package dev.sluice.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark harness. {@code scripts/bench} starts nginx, makes the data and calls
 * {@code run}; {@code stream} is the child JVM of the 10 GiB workload.
 *
 * <pre>
 * java -jar sluice-bench.jar run --base http://127.0.0.1:PORT --work DIR --out docs/benchmarks.md
 *      [--quick] [--python /usr/bin/python3] [--requests-python /usr/bin/python3]
 *      [--only a,b,c,d,e,f,g,h,i,j] [--nginx PATH]
 *      [--cli DIR] [--aiohttp-scale aiohttp_scale.py] [--shm DIR]
 * java -Xmx64m -cp sluice-bench.jar dev.sluice.bench.Main stream URL
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "run" -> run(Arrays.copyOfRange(args, 1, args.length));
            case "stream" -> {
                if (args.length != 2) {
                    usage();
                }
                BigStream.child(args[1]);
            }
            default -> usage();
        }
    }

    private static void run(String[] args) throws Exception {
        String base = null;
        Path work = null;
        Path out = null;
        String python = null;
        String requestsPython = null;
        String nginx = "nginx";
        Path cli = null;
        String aiohttpScale = null;
        Path shm = Path.of("/dev/shm");
        boolean quick = false;
        Set<String> only = new HashSet<>(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--base" -> base = args[++i];
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--python" -> python = args[++i];
                case "--requests-python" -> requestsPython = args[++i];
                case "--nginx" -> nginx = args[++i];
                case "--quick" -> quick = true;
                case "--cli" -> cli = Path.of(args[++i]);
                case "--aiohttp-scale" -> aiohttpScale = args[++i];
                case "--shm" -> shm = Path.of(args[++i]);
                case "--only" -> only = new HashSet<>(Arrays.asList(args[++i].split(",")));
                default -> usage();
            }
        }
        if (base == null || work == null || out == null) {
            usage();
        }
        Config cfg = Config.of(base, work, quick, python, requestsPython, cli, aiohttpScale,
                shm.resolve("sluice-bench." + ProcessHandle.current().pid()));
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Report report = new Report(cfg, Environment.describe(nginx, python, requestsPython));
        long start = System.nanoTime();
        try (SluiceFetcher sluice = new SluiceFetcher();
             OkHttpFetcher okhttp = new OkHttpFetcher();
             JdkFetcher jdk = new JdkFetcher()) {
            Workloads w = new Workloads(cfg, sluice, okhttp, jdk);
            if (only.contains("a")) {
                attempt(report, "(a)", () -> report.bulkDiscard = w.bulkDiscard());
            }
            if (only.contains("b")) {
                attempt(report, "(b)", () -> report.bulkToFile = w.bulkToFile());
            }
            if (only.contains("c")) {
                attempt(report, "(c)", () -> report.small = w.smallResponses());
            }
            if (only.contains("d") && !quick) {
                attempt(report, "(d)", () -> report.bigStream = w.bigStream(jar));
            }
            if (only.contains("a") || only.contains("b") || only.contains("d")) {
                attempt(report, "curl start-up", () -> report.curlStartup = w.curlStartup());
            }
        }
        try {
            if (only.contains("f")) {
                attempt(report, "(f)", () -> report.manyFiles = needsCli(cfg, new ManyFiles(cfg)::run));
            }
            if (only.contains("g")) {
                attempt(report, "(g)", () -> report.segmented = needsCli(cfg, new Segmented(cfg)::run));
            }
            if (only.contains("h")) {
                attempt(report, "(h)", () -> report.concurrent = new ConcurrentSmall(cfg).run());
            }
            if (only.contains("i")) {
                attempt(report, "(i)", () -> report.startup = needsCli(cfg, new Startup(cfg)::run));
            }
            if (only.contains("j")) {
                attempt(report, "(j)", () -> report.smallFiles = needsCli(cfg, new SmallFiles(cfg)::run));
            }
        } finally {
            Scratch.delete(cfg.shm());
        }
        if (only.contains("e")) {
            System.out.println("(e) codec under JMH");
            boolean shortJmh = quick;
            attempt(report, "(e)", () -> report.codec = CodecBench.run(shortJmh));
        }
        report.harnessSeconds = (System.nanoTime() - start) / 1e9;
        report.write(out);
        System.out.println("wrote " + out);
        if (!report.failures.isEmpty()) {
            System.err.println(String.join("\n", report.failures));
            System.exit(1);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws Exception;
    }

    private static <T> T needsCli(Config cfg, Work<T> work) throws Exception {
        if (cfg.cli() == null) {
            throw new IllegalStateException("needs --cli DIR (a copy of ./sluice, scripts/find-jdk.sh and the jar)");
        }
        return work.run();
    }

    /** Runs one workload; a failure is printed and written into the report, and the others still run. */
    private static void attempt(Report report, String workload, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            e.printStackTrace();
            report.failures.add(workload + " failed: " + e);
        }
    }

    private static void usage() {
        System.err.println("usage: Main run --base URL --work DIR --out FILE [--quick] [--python PATH] "
                + "[--requests-python PATH] [--nginx PATH] [--only a,...,j]\n"
                + "       [--cli DIR] [--aiohttp-scale PATH] [--shm DIR]\n       Main stream URL");
        System.exit(2);
    }
}
