package dev.sluice.net;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Recycles the read buffers of closed connections, so that churning connections do not churn
 * direct memory (which the JVM frees only after a garbage collection).
 *
 * <p>A connection starts with a {@link #SMALL} buffer (enough for a head and a slow stream,
 * and small enough that ten thousand streams fit in a few hundred MiB) and moves to
 * {@link #MEDIUM} and then {@link #LARGE} as a body proves big: large reads are what make
 * bulk transfers fast.
 */
public final class BufferPool {
    /** Bytes in a new connection's buffer. */
    public static final int SMALL = 16 * 1024;
    /** Bytes in the buffer of a connection whose body passed {@link #MEDIUM} bytes. */
    public static final int MEDIUM = 128 * 1024;
    /** Bytes in the buffer of a connection that carries a bulk body. */
    public static final int LARGE = 1024 * 1024;
    /** Buffers of each size kept for reuse. */
    private static final int MAX_KEPT_SMALL = 256;
    private static final int MAX_KEPT_MEDIUM = 32;
    private static final int MAX_KEPT_LARGE = 8;

    /** Direct buffers larger than this fail as if direct memory were exhausted (for tests). */
    private final int largestDirectBytes;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private final ArrayDeque<ByteBuffer> small = new ArrayDeque<>();
    /** Guarded by lock. */
    private final ArrayDeque<ByteBuffer> medium = new ArrayDeque<>();
    /** Guarded by lock. */
    private final ArrayDeque<ByteBuffer> large = new ArrayDeque<>();

    public BufferPool() {
        this(Integer.MAX_VALUE);
    }

    /**
     * A pool that refuses direct buffers over {@code largestDirectBytes} with the
     * {@link OutOfMemoryError} the JDK throws when {@code -XX:MaxDirectMemorySize} is reached:
     * tests reach that path without starving the JVM.
     */
    BufferPool(int largestDirectBytes) {
        this.largestDirectBytes = largestDirectBytes;
    }

    private ArrayDeque<ByteBuffer> keptOf(int size) {
        return switch (size) {
            case SMALL -> small;
            case MEDIUM -> medium;
            case LARGE -> large;
            default -> null;
        };
    }

    private static int maxKept(int size) {
        return size == SMALL ? MAX_KEPT_SMALL : size == MEDIUM ? MAX_KEPT_MEDIUM : MAX_KEPT_LARGE;
    }

    /** A cleared buffer of at least {@code size} bytes, direct when {@code direct}. */
    public ByteBuffer take(int size, boolean direct) {
        ArrayDeque<ByteBuffer> kept = keptOf(size);
        if (kept != null) {
            lock.lock();
            try {
                for (var it = kept.iterator(); it.hasNext(); ) {
                    ByteBuffer b = it.next();
                    if (b.isDirect() == direct) {
                        it.remove();
                        return b.clear();
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        if (direct && size > largestDirectBytes) {
            throw new OutOfMemoryError("Cannot reserve " + size + " bytes of direct buffer memory (limit "
                    + largestDirectBytes + " bytes)");
        }
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    /** Gives a buffer back; the caller must not touch it afterwards. */
    public void give(ByteBuffer buffer) {
        int cap = buffer.capacity();
        ArrayDeque<ByteBuffer> kept = keptOf(cap);
        if (kept == null) {
            return;
        }
        lock.lock();
        try {
            if (kept.size() < maxKept(cap)) {
                kept.push(buffer);
            }
        } finally {
            lock.unlock();
        }
    }
}
