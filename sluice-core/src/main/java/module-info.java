/**
 * sluice: streaming HTTP/1.1 for Java. Synchronous and asynchronous bodies in constant
 * memory over pooled keep-alive connections, plain or TLS; no runtime dependencies.
 */
module dev.sluice {
    exports dev.sluice;
    exports dev.sluice.download;
}
