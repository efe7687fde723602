package dev.sluice.bench.scale;

import dev.sluice.bench.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the scale scenarios of sluice's asynchronous API against its peers, each client in its
 * own process under {@code /usr/bin/time}, run by run in turn (A B C, B C A, C A B ...), and writes
 * the medians and the pair-by-pair ratios between the markers of {@code docs/benchmarks-async.md}.
 * {@code scripts/bench-scale} prepares everything (JDK, build, nginx, data) and calls this.
 *
 * <pre>
 * java -cp sluice-bench.jar dev.sluice.bench.scale.Runner --base http://127.0.0.1:PORT --data DIR \
 *      --work DIR --java JAVA --cp CLASSPATH --python PYTHON --script aiohttp_scale.py --out FILE \
 *      [--quick] [--only 1,2,3] [--root DIR] [--nginx-version V]
 * </pre>
 */
public final class Runner {
    static final String BEGIN = "<!-- bench-scale:begin (written by scripts/bench-scale; edit outside the markers) -->";
    static final String END = "<!-- bench-scale:end -->";

    /** One client as one command line. */
    record Client(String label, List<String> command, Path cleanDir, int timeoutSeconds) {
    }

    /**
     * What one run measured; {@code threads}: a JVM client's CPU seconds by kind of thread over
     * the whole process (c1, c2, carriers, gc, other), empty for the others.
     */
    record Run(double wall, double cpu, double rssMiB, double inWall, double inCpu, double jit, int ok, int expected,
            int exit, Map<String, Double> threads) {
        boolean good() {
            return exit == 0 && ok == expected && expected > 0;
        }
    }

    private final Args args;
    private final boolean quick;
    private final String java;
    private final String cp;
    private final String python;
    private final String script;
    private final String base;
    private final Path data;
    private final Path work;
    private final String root;
    private final StringBuilder doc = new StringBuilder();
    private final List<String> verdicts = new ArrayList<>();

    private Runner(Args args) {
        this.args = args;
        this.quick = args.has("quick");
        this.java = args.get("java");
        this.cp = args.get("cp");
        this.python = args.get("python", null);
        this.script = args.get("script");
        this.base = args.get("base");
        this.data = Path.of(args.get("data"));
        this.work = Path.of(args.get("work"));
        this.root = args.get("root", "");
    }

    public static void main(String[] argv) throws Exception {
        new Runner(new Args(argv)).run();
    }

    private void run() throws Exception {
        String only = args.get("only", "1,2,3");
        int pairs = args.getInt("pairs", quick ? 3 : 5);
        int warmups = quick ? 0 : 1;
        Path out = Path.of(args.get("out"));
        String earlier = earlierRegion(out);
        header(pairs, warmups);
        if (only.contains("1")) {
            scenario1(pairs, warmups);
        } else {
            keep(earlier, "## 1. ", "Target 1");
        }
        if (only.contains("2")) {
            scenario2(pairs, warmups);
        } else {
            keep(earlier, "## 2. ", "Target 2");
        }
        if (only.contains("3")) {
            scenario3(pairs, warmups);
        } else {
            keep(earlier, "## 3 and 4. ", "Target 3", "Target 4");
        }
        doc.append("### Targets, as measured in this run\n\n");
        for (String v : verdicts) {
            doc.append("- ").append(v).append('\n');
        }
        doc.append('\n');
        write(out);
    }

    /** The generated part of {@code out} as an earlier run wrote it, or "" when there is none. */
    private static String earlierRegion(Path out) throws IOException {
        if (!Files.exists(out)) {
            return "";
        }
        String old = Files.readString(out);
        int b = old.indexOf(BEGIN);
        int e = old.indexOf(END);
        return b >= 0 && e > b ? old.substring(b + BEGIN.length(), e) : "";
    }

    /**
     * For a scenario this run leaves out ({@code --only}): its section and target lines as the
     * earlier run wrote them, marked with that run's date, so that a partial run does not wipe
     * the figures it did not measure.
     */
    private void keep(String earlier, String heading, String... targets) {
        int start = earlier.indexOf("\n" + heading);
        if (start < 0) {
            return;
        }
        start++;
        int end = earlier.length();
        for (String next : List.of("\n## ", "\n### Targets")) {
            int i = earlier.indexOf(next, start + heading.length());
            if (i >= 0 && i < end) {
                end = i + 1;
            }
        }
        Matcher run = Pattern.compile("## Run of ([^\n]+)").matcher(earlier);
        String when = run.find() ? run.group(1) : "an earlier run";
        String section = earlier.substring(start, end);
        String kept = "*Kept from the run of ";
        if (section.contains(kept)) {
            doc.append(section); // kept already by the run before: its date stands
        } else {
            int afterHeading = section.indexOf("\n\n");
            doc.append(section, 0, afterHeading + 2)
                    .append(kept).append(when).append(": not measured by this run.*\n\n")
                    .append(section, afterHeading + 2, section.length());
        }
        for (String line : earlier.split("\n")) {
            for (String t : targets) {
                if (line.startsWith("- " + t + " ") || line.startsWith("- " + t + ",")) {
                    verdicts.add(line.contains("(kept from the run of ") ? line.substring(2)
                            : line.substring(2) + " (kept from the run of " + when + ")");
                }
            }
        }
    }

    // --- scenarios ---------------------------------------------------------------------------

    private List<String> jvm(String mainClass, List<String> flags, String... rest) {
        List<String> c = new ArrayList<>();
        c.add(java);
        c.addAll(flags);
        c.add("-cp");
        c.add(cp);
        c.add("dev.sluice.bench.scale." + mainClass);
        c.addAll(Arrays.asList(rest));
        return c;
    }

    /**
     * Flags any user can set for a short run: C1 only, the serial collector and (JDK 22+) no
     * 300 ms wait at exit for threads in native code, such as the virtual-thread I/O poller.
     */
    private static final List<String> TUNED = Runtime.version().feature() >= 22
            ? List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:UserThreadWaitAttemptsAtExit=0")
            : List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private void scenario1(int pairs, int warmups) throws Exception {
        int n = 10_000;
        String url = base + "/r16k/64k";
        String expect = data.resolve("64k").toString();
        List<String> heap = List.of("-Xmx256m");
        List<Client> clients = List.of(
                new Client("sluice forEach -Xmx256m", jvm("SluiceStreams", heap, "--url", url, "--n", "" + n,
                        "--expect-file", expect, "--api", "foreach", "--crc"), null, 300),
                new Client("sluice publisher -Xmx256m", jvm("SluiceStreams", heap, "--url", url, "--n", "" + n,
                        "--expect-file", expect, "--api", "publisher", "--crc"), null, 300));
        doc.append("## 1. 10,000 concurrent streaming responses in one JVM under -Xmx256m\n\n")
                .append("10,000 GETs of a 64 KiB file of random bytes, served by nginx with `limit_rate 16k` (each body takes ")
                .append("about 4 s, so all 10,000 are open at once), all started at once through `sendAsync`, each body read ")
                .append("through the asynchronous API and verified: its length and its CRC32C against the file's. ")
                .append("Client: `maxConnections(10000)`, `maxConnectionsPerHost(10000)`, connect timeout 60 s.\n\n");
        Map<String, List<Run>> runs = measure(clients, pairs, warmups);
        table(clients, runs);
        boolean allOk = true;
        for (Client c : clients) {
            allOk &= runs.get(c.label()).stream().allMatch(Run::good);
        }
        Run m = medianOf(runs.get(clients.get(0).label()));
        verdicts.add(String.format(Locale.ROOT, "Target 1 (10,000 concurrent streams under -Xmx256m, all verified): %s. "
                        + "forEach median: %.2f s wall, %.2f CPU-s, %.0f MiB peak RSS.",
                allOk ? "**met**" : "**missed** (some runs failed; see the table)", m.wall(), m.cpu(), m.rssMiB()));
    }

    private void scenario2(int pairs, int warmups) throws Exception {
        int n = 2000;
        String url = base + "/r64k/256k";
        String expect = data.resolve("256k").toString();
        String[] sl = {"--url", url, "--n", "" + n, "--expect-file", expect};
        List<String> small = Stream.concat(Stream.of("-Xmx128m", "-XX:MaxDirectMemorySize=512m"), TUNED.stream()).toList();
        List<Client> clients = new ArrayList<>();
        clients.add(new Client("sluice forEach (defaults)", jvm("SluiceStreams", List.of(), cat(sl, "--api", "foreach")), null, 300));
        clients.add(new Client("sluice publisher (defaults)", jvm("SluiceStreams", List.of(), cat(sl, "--api", "publisher")), null, 300));
        clients.add(new Client("sluice forEach, tuned", jvm("SluiceStreams", small, cat(sl, "--api", "foreach")), null, 300));
        clients.add(new Client("sluice publisher, tuned", jvm("SluiceStreams", small, cat(sl, "--api", "publisher")), null, 300));
        if (python != null) {
            clients.add(new Client("aiohttp", List.of(python, script, "streams", url, "" + n, expect), null, 300));
        }
        clients.add(new Client("JDK HttpClient (defaults)", jvm("JdkStreams", List.of(), sl), null, 300));
        clients.add(new Client("JDK HttpClient, tuned", jvm("JdkStreams", small, sl), null, 300));
        clients.add(new Client("raw sockets, no HTTP client (defaults)", jvm("RawStreams", List.of(), sl), null, 300));
        doc.append("## 2. 2,000 concurrent slow streams: sluice against aiohttp and the JDK HttpClient\n\n")
                .append("2,000 GETs of a 256 KiB file served with `limit_rate 64k` (about 4 s each), all started at once; ")
                .append("each body is read and its length checked, nothing is kept. sluice: `sendAsync` then ")
                .append("`async().forEach` or `async().publisher()` (a subscriber requesting one item at a time); ")
                .append("aiohttp: `asyncio.gather`, `TCPConnector(limit=0)`, `content.iter_any()`; the JDK: ")
                .append("`HttpClient.sendAsync` (default executor, HTTP/1.1) with a counting `BodySubscriber`. ")
                .append("\"tuned\" = `").append(String.join(" ", small)).append("` for both JVM clients: flags any user can set ")
                .append("(C1 only, the serial collector, no wait at exit for threads in native code, a small heap; the direct-memory cap is raised because sluice's ")
                .append("read buffers are direct and under `-Xmx128m` the default cap would be 128 MiB). ")
                .append("\"raw sockets\" is no HTTP client but the floor under any JVM one: a virtual thread per response, a ")
                .append("blocking `SocketChannel`, one GET with `Connection: close` and 16 KiB reads to the end, only the ")
                .append("body's length checked.\n\n");
        Map<String, List<Run>> runs = measure(clients, pairs, warmups);
        table(clients, runs);
        List<String[]> cmp = new ArrayList<>();
        for (String s : List.of("sluice forEach (defaults)", "sluice forEach, tuned", "sluice publisher, tuned")) {
            if (python != null) {
                cmp.add(new String[] {s, "aiohttp"});
            }
        }
        cmp.add(new String[] {"sluice forEach (defaults)", "JDK HttpClient (defaults)"});
        cmp.add(new String[] {"sluice forEach, tuned", "JDK HttpClient, tuned"});
        cmp.add(new String[] {"sluice forEach (defaults)", "raw sockets, no HTTP client (defaults)"});
        if (python != null) {
            cmp.add(new String[] {"aiohttp", "raw sockets, no HTTP client (defaults)"});
        }
        ratios(runs, cmp);
        if (!quick) {
            // One run that shows what a small heap does today; it is expected to fail.
            List<Client> tiny = List.of(new Client("sluice forEach -Xmx64m (default direct-memory cap)",
                    jvm("SluiceStreams", List.of("-Xmx64m"), cat(sl, "--api", "foreach")), null, 180));
            doc.append("One more run, once, with a plain `-Xmx64m` (so a 64 MiB cap on direct memory):\n\n");
            table(tiny, measure(tiny, 1, 0));
        }
        for (String s : List.of("sluice forEach (defaults)", "sluice forEach, tuned", "sluice publisher, tuned")) {
            Run a = medianOf(runs.get(s));
            StringBuilder v = new StringBuilder(String.format(Locale.ROOT,
                    "Target 2 (%s: less CPU and less peak RSS than aiohttp and the JDK client): ", s));
            boolean met = true;
            for (String peer : List.of("aiohttp", s.contains("tuned") ? "JDK HttpClient, tuned" : "JDK HttpClient (defaults)")) {
                if (!runs.containsKey(peer)) {
                    continue;
                }
                Run b = medianOf(runs.get(peer));
                boolean cpu = a.cpu() < b.cpu();
                boolean rss = a.rssMiB() < b.rssMiB();
                met &= cpu && rss;
                v.append(String.format(Locale.ROOT, "vs %s CPU %.2f vs %.2f s (%s), RSS %.0f vs %.0f MiB (%s); ",
                        peer, a.cpu(), b.cpu(), cpu ? "less" : "MORE", a.rssMiB(), b.rssMiB(), rss ? "less" : "MORE"));
            }
            verdicts.add(v.append(met ? "**met**." : "**missed**.").toString());
        }
        scenario2Warm(pairs, warmups, url, n, expect, sl);
    }

    private static final String WARM = ", warm";

    /** The clients of scenario 2 with default flags, each doing the job twice in one process. */
    private void scenario2Warm(int pairs, int warmups, String url, int n, String expect, String[] sl) throws Exception {
        List<Client> clients = new ArrayList<>();
        String sluice = "sluice forEach (defaults)" + WARM;
        String jdk = "JDK HttpClient (defaults)" + WARM;
        clients.add(new Client(sluice, jvm("SluiceStreams", List.of(), cat(sl, "--api", "foreach", "--rounds", "2")), null, 300));
        if (python != null) {
            clients.add(new Client("aiohttp" + WARM, List.of(python, script, "streams", url, "" + n, expect, "2"), null, 300));
        }
        clients.add(new Client(jdk, jvm("JdkStreams", List.of(), cat(sl, "--rounds", "2")), null, 300));
        doc.append("### The same, warm\n\n")
                .append("The clients above with default flags, each doing the job twice in one process (a new client or ")
                .append("session each time, so the second round connects again) and reporting the second round: the ")
                .append("in-process figures are of the second round; wall, CPU and peak RSS are of the whole process, both ")
                .append("rounds.\n\n");
        Map<String, List<Run>> runs = measure(clients, pairs, warmups);
        table(clients, runs);
        List<String[]> cmp = new ArrayList<>();
        if (python != null) {
            cmp.add(new String[] {sluice, "aiohttp" + WARM});
        }
        cmp.add(new String[] {sluice, jdk});
        ratios(runs, cmp);
        Run a = medianOf(runs.get(sluice));
        StringBuilder v = new StringBuilder("Target 2, warm (" + sluice
                + ": less in-process CPU in the second round, and less peak RSS, than aiohttp and the JDK client, warm): ");
        boolean met = true;
        for (String peer : List.of("aiohttp" + WARM, jdk)) {
            if (!runs.containsKey(peer)) {
                continue;
            }
            Run b = medianOf(runs.get(peer));
            boolean cpu = a.inCpu() < b.inCpu();
            boolean rss = a.rssMiB() < b.rssMiB();
            met &= cpu && rss;
            v.append(String.format(Locale.ROOT, "vs %s in-process CPU %.2f vs %.2f s (%s), RSS %.0f vs %.0f MiB (%s); ",
                    peer, a.inCpu(), b.inCpu(), cpu ? "less" : "MORE", a.rssMiB(), b.rssMiB(), rss ? "less" : "MORE"));
        }
        verdicts.add(v.append(met ? "**met**." : "**missed**.").toString());
    }

    private static final String RAW_FILES = "raw sockets, no HTTP client (defaults)";

    private void scenario3(int pairs, int warmups) throws Exception {
        int n = 1000;
        int c = 16;
        String size = "" + (1 << 20);
        String files = base + "/files/";
        for (String sink : List.of("file", "discard")) {
            Path out = Path.of(args.get("files-dir", work.toString())).resolve("out-" + sink);
            List<Client> clients = new ArrayList<>();
            String[] common = {"--base", files, "--n", "" + n, "--size", size, "--concurrency", "" + c, "--sink", sink,
                    "--dir", out.toString()};
            Path clean = sink.equals("file") ? out : null;
            clients.add(new Client("sluice async", jvm("SluiceFiles", List.of(), cat(common, "--model", "async")), clean, 120));
            clients.add(new Client("sluice sync, virtual threads", jvm("SluiceFiles", List.of(), cat(common, "--model", "sync")), clean, 120));
            if (python != null) {
                clients.add(new Client("aiohttp", List.of(python, script, "files", files, "" + n, size, "" + c, sink, out.toString()), clean, 120));
            }
            clients.add(new Client("OkHttp, 16 threads", jvm("OkHttpFiles", List.of(), common), clean, 120));
            clients.add(new Client("sluice async, tuned", jvm("SluiceFiles", TUNED, cat(common, "--model", "async")), clean, 120));
            clients.add(new Client("OkHttp, 16 threads, tuned", jvm("OkHttpFiles", TUNED, common), clean, 120));
            clients.add(new Client(RAW_FILES, jvm("RawFiles", List.of(), common), clean, 120));
            doc.append(sink.equals("file")
                    ? "## 3 and 4. 1,000 files of 1 MiB, 16 at once, into files\n\n"
                            + "1,000 distinct 1 MiB files of random bytes from nginx (no rate limit), at most 16 at once, each "
                            + "written to its own file in a directory that is emptied before each run (" + filesWhere() + "). "
                            + "sluice async: all 1,000 `sendAsync` issued up front on a client with `maxConnections(16)`, then "
                            + "`async().transferTo(Path)` (a temporary file renamed into place); sluice sync: one virtual thread per "
                            + "file, `client.send` + `body().transferTo(Path)`, the same client limit of 16; aiohttp: `asyncio.gather` "
                            + "over all 1,000 with `TCPConnector(limit=16)`, `iter_any()` written with `open(...).write`; OkHttp: "
                            + "16 platform threads, `call.execute()` + Okio `writeAll` into the file, a connection pool keeping 16. "
                            + "\"in-process\" = first request to last body, without JVM or interpreter start. "
                            + "\"tuned\" = `" + String.join(" ", TUNED) + "` for both JVM clients (the same flags as in 2, "
                            + "without the small heap): a run this short never pays back C2's compile time. "
                            + "\"raw sockets\" is no HTTP client but the floor under any JVM one: 16 virtual threads, each with "
                            + "one kept-alive blocking `SocketChannel`, a bare GET, the head scanned for its end and "
                            + "`Content-Length`, the body read into one 128 KiB direct buffer and written with `FileChannel.write` "
                            + "(or dropped).\n\n"
                    : "### The same, discarding the bodies\n\nAs above, but every body is only counted: sluice async "
                            + "`async().forEach`, sluice sync a loop over `body().any()`, aiohttp `iter_any()`, OkHttp "
                            + "`source.readAll(Okio.blackhole())`.\n\n");
            Map<String, List<Run>> runs = measure(clients, pairs, warmups);
            table(clients, runs);
            List<String[]> cmp = new ArrayList<>();
            if (python != null) {
                cmp.add(new String[] {"sluice async", "aiohttp"});
            }
            cmp.add(new String[] {"sluice async", "OkHttp, 16 threads"});
            if (python != null) {
                cmp.add(new String[] {"sluice async, tuned", "aiohttp"});
            }
            cmp.add(new String[] {"sluice async, tuned", "OkHttp, 16 threads, tuned"});
            cmp.add(new String[] {"sluice sync, virtual threads", "sluice async"});
            cmp.add(new String[] {"sluice async", RAW_FILES});
            if (python != null) {
                cmp.add(new String[] {"aiohttp", RAW_FILES});
            }
            ratios(runs, cmp);
            Run a = medianOf(runs.get("sluice async"));
            target3(runs, sink, "sluice async", "OkHttp, 16 threads");
            target3(runs, sink, "sluice async, tuned", "OkHttp, 16 threads, tuned");
            Run s = medianOf(runs.get("sluice sync, virtual threads"));
            double wallR = median(pairRatios(runs, "sluice sync, virtual threads", "sluice async", Run::inWall));
            double cpuR = median(pairRatios(runs, "sluice sync, virtual threads", "sluice async", Run::inCpu));
            double wallW = median(pairRatios(runs, "sluice sync, virtual threads", "sluice async", Run::wall));
            double cpuW = median(pairRatios(runs, "sluice sync, virtual threads", "sluice async", Run::cpu));
            boolean within = Math.abs(wallR - 1) <= 0.10 && Math.abs(cpuR - 1) <= 0.10;
            boolean withinWhole = Math.abs(wallW - 1) <= 0.10 && Math.abs(cpuW - 1) <= 0.10;
            verdicts.add(String.format(Locale.ROOT, "Target 4 (%s; sync on virtual threads within 10%% of async): "
                            + "median sync/async ratio in-process wall %.2f, CPU %.2f (%.3f s, %.2f CPU-s vs %.3f s, %.2f CPU-s); "
                            + "whole process wall %.2f, CPU %.2f: %s in-process, %s whole-process.",
                    sink, wallR, cpuR, s.inWall(), s.inCpu(), a.inWall(), a.inCpu(), wallW, cpuW,
                    within ? "**met**" : "**missed**", withinWhole ? "**met**" : "**missed**"));
            scenario3Warm(pairs, warmups, sink, common, clean, files, n, size, c, out);
        }
    }

    /** Rounds of the warm rows of scenario 3: its job takes a second, and C2 is still busy in the second. */
    private static final String FILE_ROUNDS = "3";

    /** The clients of scenario 3 with default flags, each doing the job {@link #FILE_ROUNDS} times in one process. */
    private void scenario3Warm(int pairs, int warmups, String sink, String[] common, Path clean, String files, int n,
            String size, int c, Path out) throws Exception {
        String async = "sluice async" + WARM;
        String sync = "sluice sync, virtual threads" + WARM;
        String okhttp = "OkHttp, 16 threads" + WARM;
        List<Client> clients = new ArrayList<>();
        clients.add(new Client(async, jvm("SluiceFiles", List.of(), cat(common, "--model", "async", "--rounds", FILE_ROUNDS)), clean, 120));
        clients.add(new Client(sync, jvm("SluiceFiles", List.of(), cat(common, "--model", "sync", "--rounds", FILE_ROUNDS)), clean, 120));
        if (python != null) {
            clients.add(new Client("aiohttp" + WARM,
                    List.of(python, script, "files", files, "" + n, size, "" + c, sink, out.toString(), FILE_ROUNDS), clean, 120));
        }
        clients.add(new Client(okhttp, jvm("OkHttpFiles", List.of(), cat(common, "--rounds", FILE_ROUNDS)), clean, 120));
        doc.append("#### ").append(sink.equals("file") ? "Into files" : "Discarding").append(", warm\n\n")
                .append("The clients above with default flags, each doing the job ").append(FILE_ROUNDS)
                .append(" times in one process (a new client each time; the files of a round are deleted before the next) ")
                .append("and reporting the last round (a job of a second still has the JIT compiling in its second round): ")
                .append("the in-process figures are of the last round; wall, CPU and peak RSS are of the whole process.\n\n");
        Map<String, List<Run>> runs = measure(clients, pairs, warmups);
        table(clients, runs);
        List<String[]> cmp = new ArrayList<>();
        if (python != null) {
            cmp.add(new String[] {async, "aiohttp" + WARM});
        }
        cmp.add(new String[] {async, okhttp});
        cmp.add(new String[] {sync, async});
        ratios(runs, cmp);
        Run a = medianOf(runs.get(async));
        StringBuilder v = new StringBuilder("Target 3, warm (" + sink + "; " + async + " faster in the last round than aiohttp and "
                + okhttp + "): ");
        boolean met = true;
        for (String peer : List.of("aiohttp" + WARM, okhttp)) {
            if (!runs.containsKey(peer)) {
                continue;
            }
            Run b = medianOf(runs.get(peer));
            met &= a.inWall() < b.inWall();
            v.append(String.format(Locale.ROOT, "in-process %.3f s vs %s %.3f s; ", a.inWall(), peer, b.inWall()));
        }
        verdicts.add(v.append(met ? "**met**." : "**missed**.").toString());
        double wallR = median(pairRatios(runs, sync, async, Run::inWall));
        double cpuR = median(pairRatios(runs, sync, async, Run::inCpu));
        verdicts.add(String.format(Locale.ROOT, "Target 4, warm (%s; sync on virtual threads within 10%% of async, last "
                        + "rounds): median sync/async ratio in-process wall %.2f, CPU %.2f: %s.", sink, wallR, cpuR,
                Math.abs(wallR - 1) <= 0.10 && Math.abs(cpuR - 1) <= 0.10 ? "**met**" : "**missed**"));
    }

    /** Target 3's verdict for one sluice row against aiohttp and the OkHttp row run with the same flags. */
    private void target3(Map<String, List<Run>> runs, String sink, String sluice, String okhttp) {
        Run a = medianOf(runs.get(sluice));
        StringBuilder v = new StringBuilder("Target 3 (" + sink + "; " + sluice + " faster than aiohttp and " + okhttp + "): ");
        boolean met = true;
        boolean metWhole = true;
        for (String peer : List.of("aiohttp", okhttp)) {
            if (!runs.containsKey(peer)) {
                continue;
            }
            Run b = medianOf(runs.get(peer));
            met &= a.inWall() < b.inWall();
            metWhole &= a.wall() < b.wall();
            v.append(String.format(Locale.ROOT, "in-process %.3f s vs %s %.3f s, whole process %.2f vs %.2f s; ",
                    a.inWall(), peer, b.inWall(), a.wall(), b.wall()));
        }
        v.append(met ? "**met** in-process" : "**missed** in-process")
                .append(metWhole ? ", **met** whole-process." : ", **missed** whole-process.");
        verdicts.add(v.toString());
    }

    private String filesWhere() {
        String dir = args.get("files-dir", work.toString());
        return dir.startsWith("/dev/shm") ? "on tmpfs, `" + dir + "`, so that the disk's write-back does not time the clients"
                : "page cache of `" + dir + "`, no fsync";
    }

    private static String[] cat(String[] a, String... b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }

    // --- running -----------------------------------------------------------------------------

    private Map<String, List<Run>> measure(List<Client> clients, int pairs, int warmups) throws Exception {
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (Client c : clients) {
            runs.put(c.label(), new ArrayList<>());
            doc.append("- `").append(c.label()).append("`: `").append(shown(c.command())).append("`\n");
        }
        doc.append('\n');
        for (int i = -warmups; i < pairs; i++) {
            // The order rotates from round to round, so that no client always runs right after
            // the same other one (whose page cache, heat or leftovers it would inherit).
            int shift = Math.max(i, 0) % clients.size();
            List<Client> order = new ArrayList<>(clients.subList(shift, clients.size()));
            order.addAll(clients.subList(0, shift));
            for (Client c : order) {
                Run r = runOnce(c);
                System.err.printf(Locale.ROOT, "bench-scale: %s%s: wall %.2f s, cpu %.2f s, rss %.0f MiB, in-process %.3f s / %.2f cpu-s, ok %d/%d%n",
                        i < 0 ? "(warm-up) " : "", c.label(), r.wall(), r.cpu(), r.rssMiB(), r.inWall(), r.inCpu(), r.ok(), r.expected());
                if (i >= 0) {
                    runs.get(c.label()).add(r);
                }
            }
        }
        return runs;
    }

    private String shown(List<String> command) {
        String s = String.join(" ", command);
        if (!root.isEmpty()) {
            s = s.replace(root + "/", "");
        }
        return s.replace(java, "java");
    }

    private Run runOnce(Client c) throws Exception {
        if (c.cleanDir() != null) {
            deleteTree(c.cleanDir());
        }
        Path times = Files.createTempFile(work, "time", ".txt");
        Path outFile = Files.createTempFile(work, "out", ".txt");
        Path errFile = work.resolve("last-" + c.label().replaceAll("[^A-Za-z0-9]+", "-") + ".err");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", times.toString()));
        cmd.addAll(c.command());
        Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        int exit;
        if (!p.waitFor(c.timeoutSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            exit = -1;
        } else {
            exit = p.exitValue();
        }
        double wall = Double.NaN;
        double cpu = Double.NaN;
        double rss = Double.NaN;
        for (String line : Files.readAllLines(times)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[0].matches("[0-9.]+")) {
                wall = Double.parseDouble(f[0]);
                cpu = Double.parseDouble(f[1]) + Double.parseDouble(f[2]);
                rss = Long.parseLong(f[3]) / 1024.0;
            }
        }
        double inWall = Double.NaN;
        double inCpu = Double.NaN;
        double jit = Double.NaN;
        int ok = 0;
        int expected = 0;
        for (String line : Files.readAllLines(outFile)) {
            if (line.startsWith("RESULT ")) {
                Map<String, String> f = keyValues(line.substring("RESULT ".length()));
                inWall = Double.parseDouble(f.getOrDefault("inwall", "NaN"));
                inCpu = Double.parseDouble(f.getOrDefault("incpu", "NaN"));
                jit = Double.parseDouble(f.getOrDefault("jit", "NaN"));
                ok = Integer.parseInt(f.getOrDefault("ok", "0"));
                expected = Integer.parseInt(f.getOrDefault("expected", "0"));
            }
        }
        Map<String, Double> threads = new LinkedHashMap<>();
        for (String line : Files.readAllLines(errFile, StandardCharsets.UTF_8)) {
            if (line.startsWith(CompilerThreads.SUMMARY)) {
                keyValues(line.substring(CompilerThreads.SUMMARY.length()))
                        .forEach((k, v) -> threads.put(k, Double.parseDouble(v)));
            }
        }
        Files.deleteIfExists(times);
        Files.deleteIfExists(outFile);
        Run r = new Run(wall, cpu, rss, inWall, inCpu, jit, ok, expected, exit, threads);
        if (!r.good()) {
            System.err.println("bench-scale: " + c.label() + " failed (exit " + exit + ", ok " + ok + "/" + expected
                    + "); its stderr: " + errFile);
        }
        if (c.cleanDir() != null) {
            deleteTree(c.cleanDir());
        }
        return r;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // --- figures -----------------------------------------------------------------------------

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().filter(d -> !d.isNaN()).sorted().toList();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    /** The {@code key=value} words of a program's line, in order; a word without '=' is skipped. */
    private static Map<String, String> keyValues(String words) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String w : words.trim().split("\\s+")) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                kv.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return kv;
    }

    private static Run medianOf(List<Run> runs) {
        List<Run> good = runs.stream().filter(Run::good).toList();
        if (good.isEmpty()) {
            return new Run(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, -1, Map.of());
        }
        return new Run(median(good.stream().map(Run::wall).toList()), median(good.stream().map(Run::cpu).toList()),
                median(good.stream().map(Run::rssMiB).toList()), median(good.stream().map(Run::inWall).toList()),
                median(good.stream().map(Run::inCpu).toList()), median(good.stream().map(Run::jit).toList()),
                good.size(), runs.size(), 0, Map.of());
    }

    private static String range(List<Run> runs, Function<Run, Double> f, String fmt) {
        List<Double> xs = runs.stream().filter(Run::good).map(f).filter(d -> !d.isNaN()).sorted().toList();
        if (xs.isEmpty()) {
            return "–";
        }
        return String.format(Locale.ROOT, fmt + " (" + fmt + "–" + fmt + ")", median(xs), xs.get(0), xs.get(xs.size() - 1));
    }

    private void table(List<Client> clients, Map<String, List<Run>> runs) {
        doc.append("| client | verified runs | wall s | CPU s (user+sys) | peak RSS MiB | in-process s | in-process CPU s | in-process JIT CPU s |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (Client c : clients) {
            List<Run> rs = runs.get(c.label());
            long good = rs.stream().filter(Run::good).count();
            String failed = "";
            if (good < rs.size()) {
                Run bad = rs.stream().filter(r -> !r.good()).findFirst().orElseThrow();
                failed = String.format(Locale.ROOT, " (failed: exit %d, %d of %d verified, %.1f s, %.1f CPU-s, %.0f MiB)",
                        bad.exit(), bad.ok(), bad.expected(), bad.wall(), bad.cpu(), bad.rssMiB());
            }
            doc.append("| ").append(c.label()).append(" | ").append(good).append('/').append(rs.size()).append(failed)
                    .append(" | ").append(range(rs, Run::wall, "%.2f"))
                    .append(" | ").append(range(rs, Run::cpu, "%.2f"))
                    .append(" | ").append(range(rs, Run::rssMiB, "%.0f"))
                    .append(" | ").append(range(rs, Run::inWall, "%.3f"))
                    .append(" | ").append(range(rs, Run::inCpu, "%.2f"))
                    .append(" | ").append(range(rs, Run::jit, "%.2f"))
                    .append(" |\n");
        }
        doc.append("\nMedians, with the minimum and maximum in brackets, over the verified runs.\n\n");
        threadsTable(clients, runs);
    }

    /**
     * The JVM clients' CPU by kind of thread, whole process: what the JIT compilers take
     * against the carrier threads that run the requests (and, cold, much of their code before
     * it is compiled).
     */
    private void threadsTable(List<Client> clients, Map<String, List<Run>> runs) {
        List<String> kinds = List.of("c1", "c2", "carriers", "gc", "other");
        StringBuilder rows = new StringBuilder();
        for (Client c : clients) {
            List<Run> good = runs.get(c.label()).stream().filter(r -> r.good() && !r.threads().isEmpty()).toList();
            if (good.isEmpty()) {
                continue;
            }
            rows.append("| ").append(c.label());
            for (String k : kinds) {
                rows.append(" | ").append(range(good, r -> r.threads().getOrDefault(k, 0.0), "%.2f"));
            }
            rows.append(" |\n");
        }
        if (rows.isEmpty()) {
            return;
        }
        doc.append("CPU seconds of the JVM clients by kind of thread, whole process (from `/proc/self/task/*/schedstat` ")
                .append("at the end of the run): the C1 and C2 JIT compiler threads, the virtual threads' carriers ")
                .append("(the requests and bodies, and cold much of that code before it is compiled), the garbage ")
                .append("collector's, and the rest (start-up, class loading, the main thread; the serial collector, ")
                .append("which works in the VM thread; the JDK client's own pool and selector threads, which do its work):\n\n")
                .append("| client | C1 | C2 | carriers | GC | other |\n|---|---|---|---|---|---|\n")
                .append(rows).append('\n');
    }

    private static List<Double> pairRatios(Map<String, List<Run>> runs, String a, String b, Function<Run, Double> f) {
        List<Run> ra = runs.get(a);
        List<Run> rb = runs.get(b);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < Math.min(ra.size(), rb.size()); i++) {
            if (ra.get(i).good() && rb.get(i).good()) {
                out.add(f.apply(ra.get(i)) / f.apply(rb.get(i)));
            }
        }
        return out;
    }

    private void ratios(Map<String, List<Run>> runs, List<String[]> comparisons) {
        doc.append("Ratios A/B pair by pair (run i of A against run i of B; below 1 means A used less): median [each pair]\n\n")
                .append("| A / B | wall | CPU | peak RSS | in-process wall | in-process CPU |\n|---|---|---|---|---|---|\n");
        for (String[] ab : comparisons) {
            if (!runs.containsKey(ab[0]) || !runs.containsKey(ab[1])) {
                continue;
            }
            doc.append("| ").append(ab[0]).append(" / ").append(ab[1]);
            for (Function<Run, Double> f : List.<Function<Run, Double>>of(Run::wall, Run::cpu, Run::rssMiB, Run::inWall, Run::inCpu)) {
                List<Double> rs = pairRatios(runs, ab[0], ab[1], f);
                doc.append(" | ").append(String.format(Locale.ROOT, "%.2f", median(rs))).append(" [")
                        .append(String.join(" ", rs.stream().map(d -> String.format(Locale.ROOT, "%.2f", d)).toList()))
                        .append("]");
            }
            doc.append(" |\n");
        }
        doc.append('\n');
    }

    // --- the document ------------------------------------------------------------------------

    private void header(int pairs, int warmups) {
        doc.append("## Run of ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append(quick ? " (`--quick`)" : "").append("\n\n")
                .append("- machine: ").append(Environment.cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores (shared by the clients and nginx, and with other work: noisy), ").append(Environment.memTotal()).append(" memory")
                .append(", ").append(firstLine(List.of("uname", "-sr"))).append('\n')
                .append("- JDK: ").append(System.getProperty("java.vm.vendor")).append(' ').append(System.getProperty("java.vm.name"))
                .append(' ').append(Runtime.version()).append(" (every JVM client; flags per row)\n")
                .append("- nginx: ").append(args.get("nginx-version", "?")).append(", one worker, `sendfile on`, keep-alive\n")
                .append("- Python: ").append(python == null ? "aiohttp not available: its rows are left out"
                        : firstLine(List.of(python, "--version")) + ", aiohttp "
                        + firstLine(List.of(python, "-c", "import aiohttp; print(aiohttp.__version__)")))
                .append('\n')
                .append("- OkHttp: ").append(okhttpVersion()).append('\n')
                .append("- method: each client in its own process under `/usr/bin/time -f '%e %U %S %M'` (wall, user, sys, ")
                .append("peak RSS of the whole process); the clients take turns run by run, in an order that rotates from round to round (A B C, B C A, C A B …), ")
                .append(warmups).append(" warm-up round not counted, ").append(pairs)
                .append(" counted rounds; a run counts only when every transfer was verified. ")
                .append("\"in-process\" figures are what each program measured itself from its first request to its last ")
                .append("verified body (process CPU time over that span); \"in-process JIT\" is the CPU time of the JVM's ")
                .append("JIT compiler threads over that span (from `/proc/self/task/*/schedstat`; part of the CPU time; ")
                .append("`CompilationMXBean`'s figure, used up to the run of 2026-11-29 04:05 UTC, is the compilations' elapsed time, which on ")
                .append("these shared cores read up to twice as much). Rows marked \"warm\" ")
                .append("do the job several times in one process, each time with a new client, and report the last: most of ")
                .append("the hot code is compiled by then, as in an application that has run for a while.\n\n");
    }

    private static String okhttpVersion() {
        try {
            return String.valueOf(Class.forName("okhttp3.OkHttp").getField("VERSION").get(null));
        } catch (ReflectiveOperationException e) {
            return "?";
        }
    }

    private static String firstLine(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return out.lines().findFirst().orElse("");
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private void write(Path out) throws IOException {
        String generated = BEGIN + "\n" + doc + END;
        String text;
        if (Files.exists(out)) {
            String old = Files.readString(out);
            int b = old.indexOf(BEGIN);
            int e = old.indexOf(END);
            text = b >= 0 && e > b ? old.substring(0, b) + generated + old.substring(e + END.length())
                    : old + "\n" + generated + "\n";
        } else {
            text = "# sluice: scale of the asynchronous API\n\nWritten by `scripts/bench-scale`; the figures between the "
                    + "markers are replaced by each run.\n\n" + generated + "\n";
        }
        Files.writeString(out, text);
        System.err.println("bench-scale: wrote " + out);
    }
}
