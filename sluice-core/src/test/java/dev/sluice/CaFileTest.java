package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import dev.sluice.testkit.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trustCertificates(Path)} (the CLI's {@code --cacert}) reads its file in large pieces
 * and at most 16 MiB of it: the certificate parser, handed the file's stream, read it one byte
 * per system call, so that {@code /dev/zero} never ended and a wrong 100 MB file took 80 s.
 * A bundle, or a pipe holding one, works as before. The hang guards are generous and only
 * there so that the old behaviour fails instead of hanging the build.
 */
class CaFileTest {
    private static final TestCertificates CERTS = TestCertificates.shared();
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static IOException failureOf(Path pemFile) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> {
            try {
                Client.builder().trustCertificates(pemFile);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
    }

    @Test
    void aFileLargerThanSixteenMibIsRefusedNamingIt() throws IOException {
        Path big = dir.resolve("disk.img");
        try (var file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength((16L << 20) + 1); // sparse: no disk space taken
        }
        assertThat(failureOf(big)).isNotNull()
                .hasMessage("cannot read CA certificates from " + big
                        + ": larger than 16 MiB, so not a PEM file of CA certificates");
    }

    @Test
    void anEndlessDeviceIsRefusedRatherThanReadForever() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "a /dev/zero to read");
        assertThat(failureOf(zero)).isNotNull()
                .hasMessage("cannot read CA certificates from /dev/zero: larger than 16 MiB, so not a PEM file of CA certificates");
    }

    @Test
    void aFileOfOtherBytesIsStillSaidToBeNoPemFile() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "no certificate here\n".repeat(1000));
        assertThat(failureOf(text)).isNotNull()
                .hasMessage("cannot read CA certificates from " + text + ": not a PEM file of X.509 certificates");
    }

    @Test
    void aBundleOfSeveralCertificatesWithTextBetweenThemIsTrusted() throws IOException {
        String bundle = "# a bundle as distributions ship it\n"
                + TestCertificates.certificatePem(TestCertificates.create().caCertificate())
                + "\nsome comment\n"
                + CERTS.caPem()
                + TestCertificates.certificatePem(TestCertificates.create().caCertificate());
        Path pem = Files.writeString(dir.resolve("bundle.pem"), bundle, StandardCharsets.US_ASCII);
        assertFetches(pem);
    }

    @Test
    void aFileThatBundlesAPrivateKeyWithTheCertificatesIsTrustedForItsCertificates() throws IOException {
        // A key before and after the CA, and a block of another kind: curl skips them too.
        String key = Files.readString(CERTS.writeServerPem(dir).privateKey());
        String bundle = key + CERTS.caPem() + key
                + "-----BEGIN X509 CRL-----\nbm90IGEgY3Js\n-----END X509 CRL-----\n";
        Path pem = Files.writeString(dir.resolve("ca+key.pem"), bundle, StandardCharsets.US_ASCII);
        assertFetches(pem);
    }

    @Test
    void aFileOfOnlyAPrivateKeyHasNoCertificateInIt() throws IOException {
        Path key = CERTS.writeServerPem(dir).privateKey();
        assertThat(failureOf(key)).isNotNull()
                .hasMessage("cannot read CA certificates from " + key + ": no certificate in it");
    }

    @Test
    void aPipeHoldingTheCertificatesIsReadAsAFileIs() throws Exception {
        // As a shell's --cacert <(...) hands one over.
        Path fifo = dir.resolve("ca.fifo");
        int mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        } catch (IOException e) {
            mkfifo = -1;
        }
        assumeTrue(mkfifo == 0, "mkfifo");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(CERTS.caPem().getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertFetches(fifo);
        writer.get();
    }

    private static void assertFetches(Path pem) throws IOException {
        try (var server = ScriptedServer.startTls(CERTS.serverContext(), s -> s
                .onEveryRequest((req, r) -> r.send(Responses.ok("trusted"))));
             Client client = Client.builder().trustCertificates(pem).build();
             Response r = client.send(Request.get(server.uri("/")))) {
            assertThat(r.body().text()).isEqualTo("trusted");
        }
    }
}
