package dev.sluice.bench;

import dev.sluice.bench.Pairing.Unit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The side-by-side workloads against nginx on loopback. sluice and the Java peers are timed in
 * this JVM (after warm-up, so JIT compilation is not counted); curl and wrk run as processes,
 * and curl's start-up (a request for a 1 KiB file, timed the same way) is subtracted; the Python
 * peers (requests, aiohttp) run as processes that time themselves, imports excluded.
 */
final class Workloads {
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    private final Config cfg;
    private final SluiceFetcher sluice;
    private final OkHttpFetcher okhttp;
    private final JdkFetcher jdk;
    /** Median wall seconds of a whole curl process fetching 1 KiB: its start-up cost. */
    private double curlStartup = Double.NaN;

    Workloads(Config cfg, SluiceFetcher sluice, OkHttpFetcher okhttp, JdkFetcher jdk) {
        this.cfg = cfg;
        this.sluice = sluice;
        this.okhttp = okhttp;
        this.jdk = jdk;
    }

    double curlStartup() throws Exception {
        if (Double.isNaN(curlStartup)) {
            List<Double> runs = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                runs.add(Processes.timeSeconds(List.of("curl", "-s", "-o", "/dev/null", cfg.url("/1k"))));
            }
            curlStartup = Stats.of(runs.subList(1, runs.size())).median();
            System.out.printf("curl start-up (1 KiB request, whole process): %.4f s%n", curlStartup);
        }
        return curlStartup;
    }

    /** (a) One 1 GiB body, discarded. */
    List<Pairing> bulkDiscard() throws Exception {
        String url = cfg.url("/1g");
        System.out.println("(a) 1 GiB discarded: warm-up");
        for (int i = 0; i < cfg.warmups(); i++) {
            expect(sluice.discard(url), Config.ONE_GIB, "sluice");
            expect(okhttp.discard(url), Config.ONE_GIB, "OkHttp");
            expect(jdk.discard(url), Config.ONE_GIB, "JDK HttpClient");
        }
        double startup = curlStartup();
        Pairing curl = new Pairing("curl -o /dev/null", Unit.SECONDS);
        Pairing ok = new Pairing("OkHttp " + OkHttpFetcher.version(), Unit.SECONDS);
        Pairing jdkPair = new Pairing("JDK HttpClient", Unit.SECONDS);
        List<Pairing> result = new ArrayList<>(List.of(curl, ok, jdkPair));
        PythonPeer req = requestsPeer(null);
        if (req != null) {
            result.add(req.pairing());
        }
        Pairing.Measure sluiceRun = () -> timed(() -> expect(sluice.discard(url), Config.ONE_GIB, "sluice"));
        for (int i = 0; i < cfg.pairs(); i++) {
            curl.runPair(i, sluiceRun,
                    () -> Processes.timeSeconds(List.of("curl", "-s", "-o", "/dev/null", url)) - startup);
            ok.runPair(i, sluiceRun, () -> timed(() -> expect(okhttp.discard(url), Config.ONE_GIB, "OkHttp")));
            jdkPair.runPair(i, sluiceRun, () -> timed(() -> expect(jdk.discard(url), Config.ONE_GIB, "JDK")));
            if (req != null) {
                req.pairing().runPair(i, sluiceRun, () -> req.run(url, null, Config.ONE_GIB));
            }
        }
        return result;
    }

    /** A Python peer of (a) and (b): its pairing, and the interpreter and script of its runs. */
    private record PythonPeer(Pairing pairing, String python, Path script, String who) {
        double run(String url, Path file, long expected) throws Exception {
            return pythonRun(python, script, url, file, expected, who);
        }
    }

    /**
     * A Python peer with its script copied out of the jar and run once, untimed, on a small
     * file: that brings the interpreter's and the imports' files into the page cache.
     */
    private PythonPeer pythonPeer(String python, String scriptName, String label, String who, Path file)
            throws Exception {
        PythonPeer peer = new PythonPeer(new Pairing(label, Unit.SECONDS), python, script(scriptName), who);
        peer.run(cfg.url("/1k"), file, Config.SMALL_BODY);
        return peer;
    }

    /** The requests peer, or null without its interpreter. */
    private PythonPeer requestsPeer(Path file) throws Exception {
        String python = cfg.requestsPython();
        return python == null ? null : pythonPeer(python, "requests_fetch.py",
                "requests " + requestsVersion(python) + " (iter_content 1 MiB)", "requests", file);
    }

    /** Copies one of the Python peers' scripts out of the jar into the work directory. */
    private Path script(String name) throws IOException {
        Path script = cfg.work().resolve(name);
        try (InputStream in = Workloads.class.getResourceAsStream(name)) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    /** (b) The same 1 GiB written to a file, deleted between runs. */
    List<Pairing> bulkToFile() throws Exception {
        String url = cfg.url("/1g");
        Path file = cfg.work().resolve("out.bin");
        Files.deleteIfExists(file);
        System.out.println("(b) 1 GiB to a file: warm-up");
        for (int i = 0; i < cfg.warmups(); i++) {
            expect(sluice.toFile(url, file), Config.ONE_GIB, "sluice");
            Files.delete(file);
        }
        double startup = curlStartup();
        Pairing.Measure sluiceRun = () -> {
            settlePageCache(file);
            double t = timed(() -> expect(sluice.toFile(url, file), Config.ONE_GIB, "sluice"));
            checkAndDelete(file, "sluice");
            return t;
        };
        List<Pairing> result = new ArrayList<>();
        Pairing curl = new Pairing("curl -o FILE", Unit.SECONDS);
        result.add(curl);
        PythonPeer aio = cfg.python() == null ? null : pythonPeer(cfg.python(), "aiohttp_fetch.py",
                "aiohttp " + aiohttpVersion(cfg.python()) + " (1 MiB chunks)", "aiohttp", file);
        PythonPeer req = requestsPeer(file);
        for (PythonPeer peer : new PythonPeer[] {aio, req}) {
            if (peer != null) {
                result.add(peer.pairing());
            }
        }
        for (int i = 0; i < cfg.pairs(); i++) {
            curl.runPair(i, sluiceRun, () -> {
                settlePageCache(file);
                double t = Processes.timeSeconds(List.of("curl", "-s", "-o", file.toString(), url)) - startup;
                checkAndDelete(file, "curl");
                return t;
            });
            for (PythonPeer peer : new PythonPeer[] {aio, req}) {
                if (peer != null) {
                    peer.pairing().runPair(i, sluiceRun, () -> peer.run(url, file, Config.ONE_GIB));
                }
            }
        }
        return result;
    }

    /**
     * One run of a Python peer's script ({@code python SCRIPT URL [FILE]}), which prints its own
     * seconds (timed inside the process, imports excluded) and the bytes it got; without a file
     * the body is discarded. The file, when there is one, is checked and deleted afterwards, and
     * {@code sync} runs (untimed) before, as for every client writing a file.
     */
    private static double pythonRun(String python, Path script, String url, Path file, long expected, String who)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), url));
        if (file != null) {
            settlePageCache(file);
            cmd.add(file.toString());
        }
        String out = Processes.output(cmd).strip();
        String[] parts = out.substring(out.lastIndexOf('\n') + 1).strip().split("\\s+");
        if (parts.length != 2) {
            throw new IOException(who + ": unexpected output: " + out);
        }
        expect(Long.parseLong(parts[1]), expected, who);
        if (file != null) {
            long size = Files.size(file);
            Files.delete(file);
            expect(size, expected, who + " (file size)");
        }
        return Double.parseDouble(parts[0]);
    }

    static String aiohttpVersion(String python) {
        return pythonVersion(python, "aiohttp");
    }

    static String requestsVersion(String python) {
        return pythonVersion(python, "requests");
    }

    /** {@code module.__version__} as the given Python reports it. */
    static String pythonVersion(String python, String module) {
        return Processes.outputOrEmpty(List.of(python, "-c", "import " + module + "; print(" + module + ".__version__)"))
                .strip();
    }

    /** (c) 20,000 GETs of 1 KiB, one at a time over one keep-alive connection. */
    List<Pairing> smallResponses() throws Exception {
        String url = cfg.url("/1k");
        long expected = (long) Config.SMALL_REQUESTS * Config.SMALL_BODY;
        System.out.println("(c) 20,000 x 1 KiB: warm-up");
        for (int i = 0; i < (cfg.quick() ? 1 : 2); i++) {
            expect(sluice.small(url, Config.SMALL_REQUESTS), expected, "sluice");
            expect(okhttp.small(url, Config.SMALL_REQUESTS), expected, "OkHttp");
        }
        Pairing.Measure sluiceRun = () -> Config.SMALL_REQUESTS
                / timed(() -> expect(sluice.small(url, Config.SMALL_REQUESTS), expected, "sluice"));
        Pairing wrk = new Pairing("wrk -t1 -c1 -d" + cfg.wrkSeconds() + "s", Unit.RATE);
        Pairing ok = new Pairing("OkHttp " + OkHttpFetcher.version(), Unit.RATE);
        for (int i = 0; i < cfg.smallPairs(); i++) {
            wrk.runPair(i, sluiceRun, () -> wrkRate(url));
            ok.runPair(i, sluiceRun, () -> Config.SMALL_REQUESTS
                    / timed(() -> expect(okhttp.small(url, Config.SMALL_REQUESTS), expected, "OkHttp")));
        }
        return List.of(wrk, ok);
    }

    private double wrkRate(String url) throws Exception {
        String out = Processes.output(List.of("wrk", "-t1", "-c1", "-d" + cfg.wrkSeconds() + "s", url));
        Matcher m = WRK_RATE.matcher(out);
        if (!m.find() || out.contains("Non-2xx")) {
            throw new IOException("unexpected wrk output: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /** (d) A 10 GiB body through a separate JVM with a 64 MiB heap; each run paired with curl. */
    BigStream.Result bigStream(Path jar) throws Exception {
        return new BigStream(cfg, jar).run(curlStartup());
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    static double timed(Body body) throws Exception {
        long start = System.nanoTime();
        body.run();
        return (System.nanoTime() - start) / 1e9;
    }

    static void expect(long actual, long expected, String who) throws IOException {
        if (actual != expected) {
            throw new IOException(who + " delivered " + actual + " bytes, expected " + expected);
        }
    }

    /**
     * Deletes what a previous run left and waits for the kernel to write back dirty pages, so that
     * no run pays for the writeback of the one before it: without this, whichever client ran right
     * after a slow writer (curl) was measured up to 2x slower, in either order.
     */
    private static void settlePageCache(Path file) throws Exception {
        Files.deleteIfExists(file);
        Processes.timeSeconds(List.of("sync"));
    }

    private static void checkAndDelete(Path file, String who) throws IOException {
        long size = Files.size(file);
        Files.delete(file);
        expect(size, Config.ONE_GIB, who + " (file size)");
    }

    static String firstLine(String text) {
        String s = text.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
