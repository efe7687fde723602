package dev.sluice.bench.scale;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Samples, every 50 ms on a daemon thread, the direct-buffer memory and the heap in use, and
 * prints their peaks to stderr at exit: where a client's resident memory goes.
 */
final class MemorySampler {
    private MemorySampler() {
    }

    static void start() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        var memory = ManagementFactory.getMemoryMXBean();
        long[] peak = new long[3];
        Thread t = Thread.ofPlatform().daemon().name("memory-sampler").start(() -> {
            while (true) {
                peak[0] = Math.max(peak[0], direct.getMemoryUsed());
                peak[1] = Math.max(peak[1], direct.getCount());
                peak[2] = Math.max(peak[2], memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.printf(Locale.ROOT,
                "STATS peak direct %.1f MiB in %d buffers, peak heap used %.1f MiB%n",
                peak[0] / 1048576.0, peak[1], peak[2] / 1048576.0)));
        t.setPriority(Thread.MIN_PRIORITY);
    }
}
