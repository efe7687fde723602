package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run keeps no thread of a job that has ended: it kept every one until the end, so that
 * memory grew with the number of URLs (22 MB of thread objects at 85,000 files), where only the
 * report's items need to stay.
 */
class EndedJobThreadsTest {
    private static final int JOBS = 300;
    private static final int EARLY = 250;

    @TempDir
    Path dir;

    @Test
    void theThreadsOfEndedJobsCanBeCollectedWhileTheRunGoesOn() throws Exception {
        List<WeakReference<Thread>> started = new CopyOnWriteArrayList<>();
        AtomicInteger collectedAtTheLast = new AtomicInteger(-1);
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("x"))));
             Client client = Client.newClient()) {
            List<DownloadJob> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                jobs.add(DownloadJob.of(URI.create(server.uri("/f" + i + ".txt").toString())));
            }
            DownloadJob last = jobs.getLast();
            Report report = Downloader.builder(client).directory(dir).concurrency(2).listener(e -> {
                if (e instanceof ProgressEvent.Started s) {
                    started.add(new WeakReference<>(Thread.currentThread()));
                    if (s.job() == last) {
                        collectedAtTheLast.set(collected(started));
                    }
                }
            }).build().run(jobs);

            assertThat(report.isOk()).isTrue();
        }
        // Of the early jobs' threads, all ended by then, only the few the run has not looked
        // at since may stay; before, the run held every one.
        assertThat(collectedAtTheLast.get()).as("early job threads collected").isGreaterThan(EARLY - 20);
    }

    /** How many of the first {@link #EARLY} threads are gone, after up to ten collections. */
    private static int collected(List<WeakReference<Thread>> started) {
        int gone = 0;
        for (int round = 0; round < 10 && gone <= EARLY - 20; round++) {
            System.gc();
            gone = (int) started.stream().limit(EARLY).filter(w -> w.get() == null).count();
        }
        return gone;
    }
}
