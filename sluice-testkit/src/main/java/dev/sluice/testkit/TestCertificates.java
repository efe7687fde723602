package dev.sluice.testkit;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time (EC P-256, SHA256withECDSA): one CA and server certificates
 * of every {@link ServerCertificate} kind, the good one valid for {@code localhost} and the
 * IP 127.0.0.1.
 * <pre>{@code
 * TestCertificates certs = TestCertificates.shared();
 * try (var server = ScriptedServer.startTls(certs.serverContext(), s -> ...)) {
 *     // client trusts certs.clientContext() (or certs.writeCaPem(dir) for the CLI)
 * }
 * }</pre>
 * Private keys never leave the JVM except through {@link #writeServerPem}, for nginx.
 */
public final class TestCertificates {

    /** The server certificates on offer; all but {@link #LOCALHOST} must be rejected by a client. */
    public enum ServerCertificate {
        /** Signed by the CA, valid now, SAN DNS:localhost and IP:127.0.0.1. */
        LOCALHOST,
        /** Signed by the CA for localhost/127.0.0.1, but its validity ended yesterday. */
        EXPIRED,
        /** For localhost/127.0.0.1 and valid now, but signed by its own key, not the CA. */
        SELF_SIGNED,
        /** Signed by the CA and valid now, but only for DNS:wrong.example. */
        WRONG_HOST
    }

    /** The server certificate and key files written for nginx. */
    public record PemFiles(Path certificate, Path privateKey) {}

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(2);
    private static final char[] KEY_PASSWORD = "sluice-test".toCharArray();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Map<ServerCertificate, KeyPair> serverKeys = new EnumMap<>(ServerCertificate.class);
    private final Map<ServerCertificate, X509Certificate> serverCertificates = new EnumMap<>(ServerCertificate.class);

    private TestCertificates() throws GeneralSecurityException {
        Instant now = Instant.now();
        caKeys = newKeyPair();
        X500Name caName = new X500Name("CN=sluice test CA " + SERIALS.get());
        ca = sign(caName, caName, caKeys.getPublic(), caKeys.getPrivate(), null,
                now.minus(Duration.ofHours(1)), now.plus(VALIDITY), true, null);
        for (ServerCertificate kind : ServerCertificate.values()) {
            KeyPair keys = newKeyPair();
            GeneralNames localhost = new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
            X509Certificate certificate = switch (kind) {
                case LOCALHOST -> sign(new X500Name("CN=localhost"), caName, keys.getPublic(), caKeys.getPrivate(),
                        caKeys.getPublic(), now.minus(Duration.ofHours(1)), now.plus(VALIDITY), false, localhost);
                case EXPIRED -> sign(new X500Name("CN=localhost"), caName, keys.getPublic(), caKeys.getPrivate(),
                        caKeys.getPublic(), now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)), false,
                        localhost);
                case SELF_SIGNED -> sign(new X500Name("CN=localhost"), new X500Name("CN=localhost"),
                        keys.getPublic(), keys.getPrivate(), null, now.minus(Duration.ofHours(1)),
                        now.plus(VALIDITY), false, localhost);
                case WRONG_HOST -> sign(new X500Name("CN=wrong.example"), caName, keys.getPublic(),
                        caKeys.getPrivate(), caKeys.getPublic(), now.minus(Duration.ofHours(1)), now.plus(VALIDITY),
                        false, new GeneralNames(new GeneralName(GeneralName.dNSName, "wrong.example")));
            };
            serverKeys.put(kind, keys);
            serverCertificates.put(kind, certificate);
        }
    }

    /** Makes a new CA and server certificates (a few milliseconds). */
    public static TestCertificates create() {
        try {
            return new TestCertificates();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make test certificates", e);
        }
    }

    /** One set per JVM, made on first use; fine for every test that does not need its own CA. */
    public static TestCertificates shared() {
        return Shared.INSTANCE;
    }

    /** Lazy holder: the class initialiser makes the set once, thread-safely, on first use. */
    private static final class Shared {
        static final TestCertificates INSTANCE = create();
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    public X509Certificate certificate(ServerCertificate kind) {
        return serverCertificates.get(kind);
    }

    /** A server-side context presenting the {@link ServerCertificate#LOCALHOST} certificate. */
    public SSLContext serverContext() {
        return serverContext(ServerCertificate.LOCALHOST);
    }

    /** A server-side context presenting the certificate of {@code kind} (with the CA in its chain when CA-signed). */
    public SSLContext serverContext(ServerCertificate kind) {
        try {
            X509Certificate[] chain = kind == ServerCertificate.SELF_SIGNED
                    ? new X509Certificate[] {certificate(kind)}
                    : new X509Certificate[] {certificate(kind), ca};
            return presenting(serverKeys.get(kind).getPrivate(), chain);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the server SSLContext for " + kind, e);
        }
    }

    /** A server-side context presenting {@code chain}, whose first certificate's key is {@code key}. */
    private static SSLContext presenting(PrivateKey key, X509Certificate[] chain) throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("server", key, KEY_PASSWORD, chain);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, KEY_PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, new SecureRandom());
        return context;
    }

    /**
     * A server-side context presenting a new certificate signed by the CA, valid now, whose
     * subject alternative names are exactly {@code dnsNames} (wildcards as given).
     */
    public SSLContext serverContextFor(String... dnsNames) {
        try {
            KeyPair keys = newKeyPair();
            GeneralName[] names = new GeneralName[dnsNames.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
            }
            Instant now = Instant.now();
            X509Certificate leaf = sign(new X500Name("CN=" + dnsNames[0].replace("*", "star")),
                    X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), keys.getPublic(),
                    caKeys.getPrivate(), caKeys.getPublic(), now.minus(Duration.ofHours(1)), now.plus(VALIDITY), false,
                    new GeneralNames(names));
            return presenting(keys.getPrivate(), new X509Certificate[] {leaf, ca});
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a server SSLContext for " + String.join(", ", dnsNames), e);
        }
    }

    /** A key store holding only the CA certificate, as a trusted entry. */
    public KeyStore trustStore() {
        try {
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry("sluice-test-ca", ca);
            return trustStore;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the trust store", e);
        }
    }

    /** A client-side context that trusts the CA and nothing else (not even the JDK's CAs). */
    public SSLContext clientContext() {
        try {
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trustStore());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the client SSLContext", e);
        }
    }

    /** The CA certificate as PEM text. */
    public String caPem() {
        return certificatePem(ca);
    }

    /** Writes the CA certificate to {@code dir/ca.pem} and returns that path. */
    public Path writeCaPem(Path dir) throws IOException {
        return Files.writeString(dir.resolve("ca.pem"), caPem(), StandardCharsets.US_ASCII);
    }

    /** Writes the {@link ServerCertificate#LOCALHOST} certificate and key as PEM files in {@code dir}. */
    public PemFiles writeServerPem(Path dir) throws IOException {
        return writeServerPem(dir, ServerCertificate.LOCALHOST);
    }

    /**
     * Writes {@code dir/server-KIND.crt} (the certificate, then the CA when CA-signed) and
     * {@code dir/server-KIND.key} (the unencrypted PKCS#8 private key, {@code BEGIN PRIVATE KEY},
     * which nginx and OpenSSL read).
     */
    public PemFiles writeServerPem(Path dir, ServerCertificate kind) throws IOException {
        String name = "server-" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        String chain = certificatePem(certificate(kind)) + (kind == ServerCertificate.SELF_SIGNED ? "" : caPem());
        Path certificate = Files.writeString(dir.resolve(name + ".crt"), chain, StandardCharsets.US_ASCII);
        Path key = Files.writeString(dir.resolve(name + ".key"),
                pem("PRIVATE KEY", serverKeys.get(kind).getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        return new PemFiles(certificate, key);
    }

    /** {@code certificate} as PEM text. */
    public static String certificatePem(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, X500Name issuer, PublicKey subjectKey,
            PrivateKey issuerKey, PublicKey issuerPublicKey, Instant notBefore, Instant notAfter,
            boolean isCa, GeneralNames subjectAltNames) throws GeneralSecurityException {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuerPublicKey == null ? subjectKey : issuerPublicKey));
            if (isCa) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames);
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey)));
        } catch (OperatorCreationException | CertIOException e) {
            throw new GeneralSecurityException("cannot sign the certificate for " + subject, e);
        }
    }
}
