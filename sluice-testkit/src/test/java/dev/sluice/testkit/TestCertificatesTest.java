package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.TestCertificates.ServerCertificate;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {

    private static final TestCertificates CERTS = TestCertificates.shared();

    @Test
    void theServerCertificateIsSignedByTheCaAndNamesLocalhostAndTheLoopbackIp() throws Exception {
        X509Certificate server = CERTS.certificate(ServerCertificate.LOCALHOST);
        server.verify(CERTS.caCertificate().getPublicKey());
        server.checkValidity();
        assertThat(server.getSubjectAlternativeNames())
                .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(CERTS.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void theBadCertificatesAreBadForExactlyTheirOneReason() throws Exception {
        X509Certificate expired = CERTS.certificate(ServerCertificate.EXPIRED);
        expired.verify(CERTS.caCertificate().getPublicKey());
        assertThatThrownBy(expired::checkValidity).isInstanceOf(CertificateExpiredException.class);

        X509Certificate selfSigned = CERTS.certificate(ServerCertificate.SELF_SIGNED);
        selfSigned.verify(selfSigned.getPublicKey());
        assertThatThrownBy(() -> selfSigned.verify(CERTS.caCertificate().getPublicKey()))
                .isInstanceOf(java.security.SignatureException.class);

        X509Certificate wrongHost = CERTS.certificate(ServerCertificate.WRONG_HOST);
        wrongHost.verify(CERTS.caCertificate().getPublicKey());
        assertThat(wrongHost.getSubjectAlternativeNames()).containsExactly(List.of(2, "wrong.example"));
    }

    @Test
    void theCaPemFileParsesBackToTheCaCertificate(@TempDir Path dir) throws Exception {
        Path pem = CERTS.writeCaPem(dir);
        assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----\n").isEqualTo(CERTS.caPem());
        try (InputStream in = Files.newInputStream(pem)) {
            assertThat(CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .isEqualTo(CERTS.caCertificate());
        }
    }

    @Test
    void theServerPemFilesHoldTheChainAndAPkcs8KeyThatMatchesTheCertificate(@TempDir Path dir) throws Exception {
        TestCertificates.PemFiles files = CERTS.writeServerPem(dir);
        try (InputStream in = Files.newInputStream(files.certificate())) {
            List<java.security.cert.Certificate> chain =
                    List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            assertThat(chain).containsExactly(CERTS.certificate(ServerCertificate.LOCALHOST), CERTS.caCertificate());
        }
        String keyPem = Files.readString(files.privateKey(), StandardCharsets.US_ASCII);
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        String base64 = keyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getDecoder().decode(base64)));

        byte[] message = "proof of possession".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(CERTS.certificate(ServerCertificate.LOCALHOST).getPublicKey());
        verifier.update(message);
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void eachSetHasItsOwnCaSoOneSetsClientDoesNotTrustAnother() {
        TestCertificates other = TestCertificates.create();
        assertThat(other.caCertificate()).isNotEqualTo(CERTS.caCertificate());
        assertThat(TestCertificates.shared()).isSameAs(CERTS);
    }
}
