package dev.sluice.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The TLS contexts a client can use: the JDK's default, a PEM CA bundle, or trust-all. */
public final class TlsContexts {
    private TlsContexts() {
    }

    public static SSLContext systemDefault() {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    /**
     * The most a CA file may hold: the system's whole bundle is about 220 KB. More is no PEM
     * file of CA certificates but the wrong file (a disk image, {@code /dev/zero}), and reading
     * on would only take long, or forever.
     */
    static final int MAX_PEM_BYTES = 16 << 20;

    /**
     * A context that trusts exactly the CA certificates in a PEM file (like curl's --cacert).
     * The file may be a pipe ({@code --cacert <(...)} in a shell); it is read whole, at most
     * {@link #MAX_PEM_BYTES}, before any of it is parsed.
     *
     * <pre>{@code
     * SSLContext ctx = TlsContexts.trusting(Path.of("ca.pem"));
     * }</pre>
     *
     * @throws IOException naming the file: unreadable (a {@link java.nio.file.FileSystemException}),
     *                     a directory, larger than {@link #MAX_PEM_BYTES}, or no PEM file of
     *                     X.509 certificates
     */
    public static SSLContext trusting(Path pemFile) throws IOException {
        if (Files.isDirectory(pemFile)) {
            throw new IOException("cannot read CA certificates from " + pemFile + ": is a directory");
        }
        byte[] pem = withoutOtherPemBlocks(readPem(pemFile));
        try {
            Collection<? extends Certificate> certs;
            try {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
            } catch (CertificateException e) {
                // The JDK's message ("Unable to initialize, java.io.IOException: ...") names its own internals.
                throw new IOException("cannot read CA certificates from " + pemFile
                        + ": not a PEM file of X.509 certificates", e);
            }
            if (certs.isEmpty()) {
                throw new IOException("cannot read CA certificates from " + pemFile + ": no certificate in it");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read CA certificates from " + pemFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file's bytes, read in large pieces: the certificate parser reads its stream a byte at
     * a time, which on a file stream is one system call per byte (221,303 reads, 0.3 s, for the
     * system bundle).
     */
    private static byte[] readPem(Path pemFile) throws IOException {
        byte[] pem;
        try (InputStream in = Files.newInputStream(pemFile)) {
            pem = in.readNBytes(MAX_PEM_BYTES + 1);
        }
        if (pem.length > MAX_PEM_BYTES) {
            throw new IOException("cannot read CA certificates from " + pemFile + ": larger than "
                    + (MAX_PEM_BYTES >> 20) + " MiB, so not a PEM file of CA certificates");
        }
        return pem;
    }

    /** A PEM block with its label: BEGIN and END must name the same one. */
    private static final java.util.regex.Pattern PEM_BLOCK = java.util.regex.Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \\1-----", java.util.regex.Pattern.DOTALL);
    private static final java.util.Set<String> CERTIFICATE_LABELS =
            java.util.Set.of("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE");

    /**
     * The PEM text without its blocks of other kinds (a PRIVATE KEY, a CRL, EC PARAMETERS): a
     * file that bundles a key with its certificates is a PEM file of certificates all the same,
     * as curl reads it, where the JDK's parser stops at the first other block. Bytes that hold
     * no PEM block (DER) are returned as they are.
     */
    static byte[] withoutOtherPemBlocks(byte[] pem) {
        String text = new String(pem, java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = PEM_BLOCK.matcher(text);
        StringBuilder kept = null;
        int from = 0;
        while (m.find()) {
            if (CERTIFICATE_LABELS.contains(m.group(1))) {
                continue;
            }
            if (kept == null) {
                kept = new StringBuilder(text.length());
            }
            kept.append(text, from, m.start());
            from = m.end();
        }
        if (kept == null) {
            return pem;
        }
        String rest = kept.append(text, from, text.length()).toString();
        // Nothing but other blocks: no certificate in it, which an empty file says.
        return rest.contains("-----BEGIN") ? rest.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1) : new byte[0];
    }

    /** A context that accepts any certificate: for --insecure only. */
    public static SSLContext trustingAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustAll()}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
