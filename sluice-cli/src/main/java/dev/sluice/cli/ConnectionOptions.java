package dev.sluice.cli;

import dev.sluice.Client;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of every command that talks to servers: time limits and TLS trust. */
final class ConnectionOptions {

    @Option(names = "--connect-timeout", paramLabel = "SEC", converter = SecondsConverter.class,
            description = "Limit for name lookup, TCP connect and TLS handshake (default 10; decimals allowed).")
    private Duration connectTimeout;

    @Option(names = "--read-timeout", paramLabel = "SEC", converter = SecondsConverter.class,
            description = "Longest wait on the server: for the next bytes of the response, or while sending, for the connection to take the next 64 KiB (default 30).")
    private Duration readTimeout;

    @Option(names = "--timeout", paramLabel = "SEC", converter = SecondsConverter.class,
            description = "Limit for a whole exchange, redirects and body included; with download,"
                    + " for each attempt at a file (default none).")
    private Duration totalTimeout;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Trust exactly the CA certificates in this PEM file.")
    private Path caCertificates;

    @Option(names = {"-k", "--insecure"}, description = "Do not verify the server's certificate or host name.")
    private boolean insecure;

    /** Sets the chosen limits and trust on {@code b}; an unreadable CA file is a local error. */
    Client.Builder applyTo(Client.Builder b) throws IOException {
        if (connectTimeout != null) {
            b.connectTimeout(connectTimeout);
        }
        if (readTimeout != null) {
            b.readTimeout(readTimeout);
        }
        if (totalTimeout != null) {
            b.totalTimeout(totalTimeout);
        }
        if (insecure) {
            b.insecure();
        } else if (caCertificates != null) {
            try {
                b.trustCertificates(caCertificates);
            } catch (FileSystemException e) {
                throw new IOException(ErrorLine.cannot("read CA certificates from", caCertificates, e), e);
            }
        }
        return b;
    }
}
