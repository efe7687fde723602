package dev.sluice.cli.demo;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * The peak heap of a stretch of work, from the JVM's memory pools: {@link #reset()} collects
 * garbage and resets each heap pool's peak, {@link #read()} adds up the peaks since. It counts
 * what was in use, live objects and garbage not yet collected alike, in the whole JVM (the demo
 * server included). The pools peak at different moments, so the sum is an upper bound.
 */
final class HeapPeak {
    private HeapPeak() {
    }

    static void reset() {
        ManagementFactory.getMemoryMXBean().gc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static long read() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage() == null ? 0 : p.getPeakUsage().getUsed()).sum();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isValid())
                .toList();
    }
}
