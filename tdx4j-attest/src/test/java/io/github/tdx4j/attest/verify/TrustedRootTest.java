package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.attest.format.TestData;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The trusted root as a value, and the pin of Intel's root in the jar. */
class TrustedRootTest {
    @Test
    @DisplayName("Intel's root read from the jar has SHA-256 44a0196b...74d3 (the pin) every time it is read")
    void intelRootFromTheJar() {
        TrustedRoot loaded = TrustedRoot.loadIntel();
        assertThat(loaded.sha256()).isEqualTo("44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3");
        assertThat(loaded).isEqualTo(TrustedRoot.intelProduction());
        assertThat(TrustedRoot.loadIntel()).isNotSameAs(loaded).isEqualTo(loaded);
    }

    @Test
    @DisplayName("Two roots are equal when their certificates are the same DER; printed with subject and SHA-256")
    void value() throws Exception {
        TrustedRoot intel = TrustedRoot.intelProduction();
        TrustedRoot copy = TrustedRoot.of(TestData.bytes("dcap-qvl/TrustedRootCA.der"));
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair keys = g.generateKeyPair();
        org.bouncycastle.asn1.x500.X500Name name = TestPki.name("Intel SGX Root CA");
        TrustedRoot other = TrustedRoot.of(TestPki.cert(name, name, java.math.BigInteger.ONE, keys, keys, true, null));
        assertThat(copy.sha256()).isEqualTo(intel.sha256());
        assertThat(copy).isEqualTo(intel).hasSameHashCodeAs(intel);
        assertThat(other.sha256()).isNotEqualTo(intel.sha256());
        assertThat(other).isNotEqualTo(intel);
        assertThat(other.hashCode()).isNotEqualTo(intel.hashCode());
        assertThat(intel).isNotEqualTo("a root");
        assertThat(intel.toString()).isEqualTo("TrustedRoot[" + intel.certificate().getSubjectX500Principal().getName()
                + ", sha256 44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3]");
        assertThat(intel.toString()).startsWith("TrustedRoot[C=US,ST=CA,L=Santa Clara,O=Intel Corporation,"
                + "CN=Intel SGX Root CA, sha256 ");
    }

    @Test
    @DisplayName("A root file must hold exactly one certificate")
    void oneCertificate() {
        String pem = new String(TestData.bytes("go-tdx-guest/trusted_root.pem"), StandardCharsets.US_ASCII).strip();
        byte[] two = (pem + "\n" + pem + "\n").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TrustedRoot.of(two)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a root file must hold exactly one certificate, holds 2");
    }
}
