package dev.sluice.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver: the JDK's own for every name but those ending in
 * {@code .gated.test}, whose lookup waits, deaf to interrupts as getaddrinfo is, until the test
 * opens the gate, and then finds no such host, and those ending in {@code .loopback.test},
 * which are 127.0.0.1 (a name to connect to that is not an IP literal), as is
 * {@value #LOOPBACK_LABEL}, with or without a trailing dot, and every name below it. Installed for the whole
 * test run through META-INF/services; other names resolve as without it.
 */
public final class GatedResolver extends InetAddressResolverProvider {
    /** The suffix of the names whose lookup waits. */
    public static final String SUFFIX = ".gated.test";
    /** The suffix of the names that are 127.0.0.1. */
    public static final String LOOPBACK_SUFFIX = ".loopback.test";
    /** A name of one label that is 127.0.0.1, as is its fully qualified form (a trailing dot). */
    public static final String LOOPBACK_LABEL = "sluice-loopback";
    private static volatile CountDownLatch gate = new CountDownLatch(1);

    /** Closes the gate again: lookups from now on wait for the next {@link #open}. */
    public static void close() {
        gate = new CountDownLatch(1);
    }

    /** Lets every waiting lookup end (with no such host). */
    public static void open() {
        gate.countDown();
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.endsWith(LOOPBACK_SUFFIX) || host.equals(LOOPBACK_LABEL) || host.equals(LOOPBACK_LABEL + ".")
                        || host.endsWith("." + LOOPBACK_LABEL)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                if (!host.endsWith(SUFFIX)) {
                    return builtin.lookupByName(host, policy);
                }
                CountDownLatch waitFor = gate;
                boolean interrupted = false;
                while (true) {
                    try {
                        waitFor.await();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                throw new UnknownHostException(host);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "gated test resolver";
    }
}
