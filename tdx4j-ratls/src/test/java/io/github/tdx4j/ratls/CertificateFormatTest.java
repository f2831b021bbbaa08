package io.github.tdx4j.ratls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdx4j.attest.format.Quote;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificates tdx4j emits follow the CCC interoperable RA-TLS format, byte for byte where it is fixed. */
class CertificateFormatTest {
    private static final HexFormat HEX = HexFormat.of();
    private static SimTd td;
    private static AttestedCertificate minted;

    @BeforeAll
    static void mint() {
        td = SimTd.production();
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        minted = new CertificateIssuer(td.attestation(), KeyCurve.P256, "tdx4j RA-TLS", new SecureRandom())
                .issue(now, now.plusSeconds(3600), Optional.empty());
    }

    @Test
    void claimsAreTheDeterministicCborMapWithNonceBeforePubkeyHash() {
        byte[] h = new byte[32];
        Arrays.fill(h, (byte) 0x11);
        byte[] n = new byte[32];
        Arrays.fill(n, (byte) 0x22);
        // Written by hand from RFC 8949: map(2), text(5) "nonce", bytes(32), text(11) "pubkey-hash",
        // bytes(36) holding array(2) [uint 1, bytes(32)].
        String expected = "a2" + "656e6f6e6365" + "5820" + "22".repeat(32) + "6b7075626b65792d68617368" + "5824"
                + "82" + "01" + "5820" + "11".repeat(32);
        assertThat(HEX.formatHex(new Claims(new HashEntry(1, h), Optional.of(n)).encode())).isEqualTo(expected);
        String withoutNonce = "a1" + "6b7075626b65792d68617368" + "5824" + "8201" + "5820" + "11".repeat(32);
        assertThat(HEX.formatHex(new Claims(new HashEntry(1, h), Optional.empty()).encode()))
                .isEqualTo(withoutNonce);
    }

    @Test
    void extensionIsNonCriticalTag60000OverQuoteAndClaims() throws Exception {
        var cert = minted.certificate();
        assertThat(cert.getNonCriticalExtensionOIDs()).contains("2.23.133.5.4.9");
        byte[] value = ASN1OctetString.getInstance(cert.getExtensionValue("2.23.133.5.4.9")).getOctets();
        // d9 ea60 = tag 60000 with a 2-byte argument; 82 = array of two.
        assertThat(HEX.formatHex(value, 0, 4)).isEqualTo("d9ea6082");
        CccEvidence e = CccEvidence.decode(value, false);
        assertThat(e.quote()).isEqualTo(minted.quote());
        byte[] spkiHash = MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
        Claims claims = Claims.decode(e.claims());
        assertThat(claims.pubkeyHash()).isEqualTo(new HashEntry(1, spkiHash));
        assertThat(claims.nonce()).isEmpty();
    }

    @Test
    void reportDataIsSha256OfClaimsThenThirtyTwoZeroBytes() throws Exception {
        byte[] value = ASN1OctetString.getInstance(minted.certificate().getExtensionValue("2.23.133.5.4.9"))
                .getOctets();
        CccEvidence e = CccEvidence.decode(value, false);
        byte[] reportData = Quote.decode(e.quote()).body().reportData();
        assertThat(Arrays.copyOf(reportData, 32)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(e.claims()));
        assertThat(Arrays.copyOfRange(reportData, 32, 64)).isEqualTo(new byte[32]);
    }

    @Test
    void certificateIsSelfSignedP256WithValidityAsAsked() throws Exception {
        var cert = minted.certificate();
        cert.verify(cert.getPublicKey());
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-06-01T01:00:00Z"));
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void p384KeysAreSignedWithSha384() throws Exception {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        var c = new CertificateIssuer(td.attestation(), KeyCurve.P384, "x", new SecureRandom())
                .issue(now, now.plusSeconds(60), Optional.of(new byte[16]));
        assertThat(c.certificate().getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(c.claims().nonce()).contains(new byte[16]);
    }

    @Test
    void evidenceWithAnotherTagOrShapeIsRejected() {
        // tag 60001 (a TD report, not a quote) over [h'00', h'00']
        assertThatThrownBy(() -> CccEvidence.decode(HEX.parseHex("d9ea61824100" + "4100"), false))
                .hasMessageContaining("tag 60001");
        // three elements
        assertThatThrownBy(() -> CccEvidence.decode(HEX.parseHex("d9ea6083410041004100"), false))
                .hasMessageContaining("end of the array");
        // the early rats-tls tag 0x1a7501 is read only when asked
        byte[] early = HEX.parseHex("da001a7501" + "82" + "4100" + "4100");
        assertThatThrownBy(() -> CccEvidence.decode(early, false)).hasMessageContaining("0x1a7501");
        assertThat(Unchecked.get(() -> CccEvidence.decode(early, true)).tag()).isEqualTo(0x1a7501);
    }

    @Test
    void claimsWithARepeatedKeyOrNoPubkeyHashAreRejected() {
        String ph = "6b7075626b65792d68617368" + "5824" + "8201" + "5820" + "11".repeat(32);
        assertThatThrownBy(() -> Claims.decode(HEX.parseHex("a2" + ph + ph))).hasMessageContaining("repeat");
        assertThatThrownBy(() -> Claims.decode(HEX.parseHex("a1" + "656e6f6e6365" + "4100")))
                .hasMessageContaining("no \"pubkey-hash\"");
    }

    @Test
    void opensslPrintsTheCertificateAndItsExtension(@TempDir Path dir) throws Exception {
        boolean present = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(p -> Files.isExecutable(Path.of(p, "openssl")));
        assumeTrue(present, "openssl is not on PATH: the openssl interoperability check is skipped");
        Path pem = dir.resolve("cert.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(minted.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Process p = new ProcessBuilder("openssl", "x509", "-in", pem.toString(), "-noout", "-text")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("2.23.133.5.4.9:").contains("CN = tdx4j RA-TLS").contains("prime256v1");
    }

    /** A supplier that may throw, for one-line assertions on checked calls. */
    interface Unchecked<T> {
        T get() throws Exception;

        static <T> T get(Unchecked<T> s) {
            try {
                return s.get();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }
}
