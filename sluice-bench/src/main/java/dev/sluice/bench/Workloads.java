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
 * and curl's start-up (a request for a 1 KiB file, timed the same way) is subtracted.
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
        Pairing.Measure sluiceRun = () -> timed(() -> expect(sluice.discard(url), Config.ONE_GIB, "sluice"));
        for (int i = 0; i < cfg.pairs(); i++) {
            curl.runPair(i, sluiceRun,
                    () -> Processes.timeSeconds(List.of("curl", "-s", "-o", "/dev/null", url)) - startup);
            ok.runPair(i, sluiceRun, () -> timed(() -> expect(okhttp.discard(url), Config.ONE_GIB, "OkHttp")));
            jdkPair.runPair(i, sluiceRun, () -> timed(() -> expect(jdk.discard(url), Config.ONE_GIB, "JDK")));
        }
        return List.of(curl, ok, jdkPair);
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
        Pairing aio = null;
        Path script = null;
        if (cfg.python() != null) {
            script = cfg.work().resolve("aiohttp_fetch.py");
            try (InputStream in = Workloads.class.getResourceAsStream("aiohttp_fetch.py")) {
                Files.write(script, in.readAllBytes());
            }
            aio = new Pairing("aiohttp " + aiohttpVersion(cfg.python()) + " (1 MiB chunks)", Unit.SECONDS);
            result.add(aio);
            aiohttpRun(script, url, file); // warm the interpreter's files into the page cache
        }
        for (int i = 0; i < cfg.pairs(); i++) {
            curl.runPair(i, sluiceRun, () -> {
                settlePageCache(file);
                double t = Processes.timeSeconds(List.of("curl", "-s", "-o", file.toString(), url)) - startup;
                checkAndDelete(file, "curl");
                return t;
            });
            if (aio != null) {
                Path s = script;
                aio.runPair(i, sluiceRun, () -> aiohttpRun(s, url, file));
            }
        }
        return result;
    }

    private double aiohttpRun(Path script, String url, Path file) throws Exception {
        settlePageCache(file);
        String out = Processes.output(List.of(cfg.python(), script.toString(), url, file.toString())).strip();
        String[] parts = out.split("\\s+");
        expect(Long.parseLong(parts[1]), Config.ONE_GIB, "aiohttp");
        checkAndDelete(file, "aiohttp");
        return Double.parseDouble(parts[0]);
    }

    static String aiohttpVersion(String python) {
        return Processes.outputOrEmpty(List.of(python, "-c", "import aiohttp; print(aiohttp.__version__)")).strip();
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
