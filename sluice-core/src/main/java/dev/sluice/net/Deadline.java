package dev.sluice.net;

/** What a {@link Guard} was waiting for when its deadline passed. */
public enum Deadline {
    /** Connecting, including the TLS handshake. */
    CONNECT,
    /** Waiting for a free connection while the pool is at its limits. */
    POOL,
    /** The longest silence allowed while reading or writing. */
    READ,
    /** The whole exchange. */
    TOTAL,
    /** An idle pooled connection has lived long enough. */
    IDLE
}
