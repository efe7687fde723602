package dev.sluice.bench;

import dev.sluice.Client;
import dev.sluice.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * Workload (h): 20,000 GETs of 1 KiB with 64 in flight. sluice twice in this JVM: 64 virtual
 * threads calling the synchronous {@code send} in a loop, and {@code sendAsync} with 64 requests
 * in flight (each completion starts the next); wrk {@code -t2 -c64} as the limit; OkHttp with 64
 * platform threads for context. Round by round, the order rotating.
 */
final class ConcurrentSmall {
    static final String SYNC = "sluice send, 64 virtual threads";
    static final String ASYNC = "sluice sendAsync, 64 in flight";
    static final String OKHTTP = "OkHttp " + OkHttpFetcher.version() + ", 64 threads";
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    record Result(Rounds rounds, String wrk) {
    }

    private final Config cfg;

    ConcurrentSmall(Config cfg) {
        this.cfg = cfg;
    }

    Result run() throws Exception {
        String url = cfg.url("/1k");
        int n = Config.SMALL_REQUESTS;
        int c = Config.CONCURRENT;
        long expected = (long) n * Config.SMALL_BODY;
        String wrk = "wrk -t2 -c64 -d" + cfg.wrkSeconds() + "s";
        Rounds rounds = new Rounds();
        OkHttpClient ok = new OkHttpClient.Builder().connectionPool(new ConnectionPool(c, 5, TimeUnit.MINUTES)).build();
        ExecutorService okThreads = Executors.newFixedThreadPool(c);
        try (Client client = Client.builder().maxConnections(c).maxConnectionsPerHost(c).build()) {
            System.out.println("(h) 20,000 x 1 KiB, 64 at once: warm-up");
            for (int i = 0; i < (cfg.quick() ? 1 : 2); i++) {
                Workloads.expect(sync(client, url, n, c), expected, "sluice sync");
                Workloads.expect(async(client, url, n, c), expected, "sluice async");
                Workloads.expect(okhttp(ok, okThreads, url, n, c), expected, "OkHttp");
            }
            List<String> order = List.of(SYNC, ASYNC, wrk, OKHTTP);
            for (int r = 0; r < cfg.concRounds(); r++) {
                for (String who : Rounds.rotate(order, r)) {
                    double rate;
                    if (who.equals(SYNC)) {
                        rate = n / Workloads.timed(() -> Workloads.expect(sync(client, url, n, c), expected, "sluice sync"));
                    } else if (who.equals(ASYNC)) {
                        rate = n / Workloads.timed(() -> Workloads.expect(async(client, url, n, c), expected, "sluice async"));
                    } else if (who.equals(OKHTTP)) {
                        rate = n / Workloads.timed(() -> Workloads.expect(okhttp(ok, okThreads, url, n, c), expected, "OkHttp"));
                    } else {
                        rate = wrkRate(url);
                    }
                    rounds.add(who, rate);
                }
                System.out.printf("  round %d: sync %,.0f/s  async %,.0f/s  wrk %,.0f/s  OkHttp %,.0f/s%n", r + 1,
                        last(rounds, SYNC), last(rounds, ASYNC), last(rounds, wrk), last(rounds, OKHTTP));
            }
        } finally {
            okThreads.shutdown();
            ok.dispatcher().executorService().shutdown();
            ok.connectionPool().evictAll();
        }
        return new Result(rounds, wrk);
    }

    private static double last(Rounds r, String s) {
        List<Double> v = r.get(s);
        return v.get(v.size() - 1);
    }

    /** {@code c} virtual threads, each taking the next request number until {@code n} are done. */
    static long sync(Client client, String url, int n, int c) throws Exception {
        dev.sluice.Request request = dev.sluice.Request.get(url);
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> all = new ArrayList<>(c);
            for (int t = 0; t < c; t++) {
                all.add(threads.submit(() -> {
                    long bytes = 0;
                    while (next.getAndIncrement() < n) {
                        try (Response r = client.send(request)) {
                            r.raiseForStatus();
                            bytes += r.body().bytes().length;
                        }
                    }
                    return bytes;
                }));
            }
            long total = 0;
            for (Future<Long> f : all) {
                total += f.get();
            }
            return total;
        }
    }

    /** {@code sendAsync} with {@code c} requests in flight: each completed body starts the next request. */
    static long async(Client client, String url, int n, int c) throws Exception {
        dev.sluice.Request request = dev.sluice.Request.get(url);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable[] start = new Runnable[1];
        start[0] = () -> {
            if (next.getAndIncrement() >= n) {
                return;
            }
            client.sendAsync(request)
                    .thenCompose(Response::raiseForStatusAsync)
                    .thenCompose(r -> r.body().async().bytes())
                    .whenComplete((b, e) -> {
                        if (e != null) {
                            done.completeExceptionally(e);
                            return;
                        }
                        bytes.addAndGet(b.length);
                        if (finished.incrementAndGet() == n) {
                            done.complete(null);
                        } else {
                            start[0].run();
                        }
                    });
        };
        for (int i = 0; i < c; i++) {
            start[0].run();
        }
        done.get(5, TimeUnit.MINUTES);
        return bytes.get();
    }

    /** {@code c} platform threads, each taking the next request number until {@code n} are done. */
    static long okhttp(OkHttpClient ok, ExecutorService threads, String url, int n, int c) throws Exception {
        okhttp3.Request request = new okhttp3.Request.Builder().url(url).build();
        AtomicInteger next = new AtomicInteger();
        List<Future<Long>> all = new ArrayList<>(c);
        for (int t = 0; t < c; t++) {
            all.add(threads.submit(() -> {
                long bytes = 0;
                while (next.getAndIncrement() < n) {
                    try (okhttp3.Response r = ok.newCall(request).execute()) {
                        if (!r.isSuccessful()) {
                            throw new IOException("OkHttp: HTTP " + r.code());
                        }
                        bytes += r.body().bytes().length;
                    }
                }
                return bytes;
            }));
        }
        long total = 0;
        for (Future<Long> f : all) {
            total += f.get();
        }
        return total;
    }

    private double wrkRate(String url) throws Exception {
        String out = Processes.output(List.of("wrk", "-t2", "-c64", "-d" + cfg.wrkSeconds() + "s", url));
        Matcher m = WRK_RATE.matcher(out);
        if (!m.find() || out.contains("Non-2xx") || out.contains("Socket errors")) {
            throw new IOException("unexpected wrk output: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    static void write(StringBuilder md, Result res, Config cfg) {
        Rounds r = res.rounds();
        String wrk = res.wrk();
        md.append("## (h) 20,000 small (1 KiB) responses, 64 at once\n\n")
                .append("All in this JVM after warm-up (").append(cfg.quick() ? "one round" : "two rounds")
                .append(" of 20,000 each), one client of each kind shared by all runs (connections stay pooled). ")
                .append("sluice sync: `Client.builder().maxConnections(64).maxConnectionsPerHost(64)`, 64 virtual ")
                .append("threads each looping `client.send(request)`, `body().bytes()`, close, until 20,000 are ")
                .append("done. sluice async: the same client, `sendAsync(request).thenCompose(raiseForStatusAsync)")
                .append(".thenCompose(r -> r.body().async().bytes())`, 64 started at once and each completion ")
                .append("starting the next. OkHttp: `ConnectionPool(64, 5 min)`, 64 platform threads each looping ")
                .append("`newCall(request).execute()` and `body().bytes()`. wrk: `").append(wrk)
                .append(" URL` (its `Requests/sec`; it runs for a fixed time, not 20,000 requests). ")
                .append(cfg.concRounds()).append(" rounds, every client once per round, the order rotating. Rates in ")
                .append("requests per second.\n\n");
        md.append("| client | median req/s (min–max) |\n|---|---|\n");
        for (String s : List.of(SYNC, ASYNC, wrk, OKHTTP)) {
            Stats st = r.stats(s);
            md.append("| ").append(s).append(" | ")
                    .append(String.format("%,.0f (%,.0f–%,.0f)", st.median(), st.min(), st.max())).append(" |\n");
        }
        md.append("\nRatios within each round (rate over rate):\n\n| ratio | median (min–max) | in run order |\n|---|---|---|\n");
        ratioRow(md, r, "sluice sync / " + wrk, SYNC, wrk);
        ratioRow(md, r, "sluice async / " + wrk, ASYNC, wrk);
        ratioRow(md, r, "sluice sync / OkHttp", SYNC, OKHTTP);
        ratioRow(md, r, "sluice async / OkHttp", ASYNC, OKHTTP);
        ratioRow(md, r, "sluice async / sluice sync", ASYNC, SYNC);
        md.append('\n');
    }

    private static void ratioRow(StringBuilder md, Rounds r, String label, String a, String b) {
        List<Double> x = r.ratios(a, b);
        md.append("| ").append(label).append(" | ").append(Rounds.ratio(x)).append(" | ").append(Rounds.each(x))
                .append(" |\n");
    }
}
