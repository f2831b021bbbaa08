package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.attest.collateral.CollateralFiles.NamedFile;
import io.github.tdx4j.attest.collateral.CollateralFiles.Unrecognized;
import io.github.tdx4j.attest.format.TestData;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link CollateralFiles} on the files a directory may also hold: empty files, a DER certificate (which starts like a
 * DER CRL), JSON that is no PCS response, a URL-encoded chain starting with an encoded line break.
 */
class CollateralFilesEdgesTest {
    private static final List<String> INTEL_QVL = List.of("tcbInfo.json", "qeIdentity.json", "tcbSignChain.pem",
            "pckSignChain.pem", "rootCaCrl.der", "intermediateCaCrl.der");

    private static List<NamedFile> intelFiles() {
        return new ArrayList<>(INTEL_QVL.stream().map(f -> new NamedFile("intel-qvl/" + f,
                TestData.bytes("intel-qvl/" + f))).toList());
    }

    private static Collateral intelCollateral() {
        return CollateralFiles.assemble(intelFiles(), Unrecognized.REJECT).collateral();
    }

    @Test
    @DisplayName("An empty file is not collateral: passed over with SKIP, refused with REJECT")
    void emptyFile() {
        List<NamedFile> files = intelFiles();
        files.add(new NamedFile("empty", new byte[0]));
        CollateralFiles.Assembled a = CollateralFiles.assemble(files, Unrecognized.SKIP);
        assertThat(a.collateral()).isEqualTo(intelCollateral());
        assertThat(a.passedOver()).containsExactly(
                "empty is not collateral (not TCB info, QE identity, a CRL or a certificate chain)");
        assertThatThrownBy(() -> CollateralFiles.assemble(files, Unrecognized.REJECT))
                .isInstanceOf(CollateralException.class).hasMessageStartingWith("empty is not collateral: ");
    }

    @Test
    @DisplayName("A DER certificate (a SEQUENCE, as a DER CRL is) is not taken for a CRL: it is passed over")
    void derCertificateIsNoCrl() {
        List<NamedFile> files = intelFiles();
        byte[] der = TestData.bytes("dcap-qvl/TrustedRootCA.der");
        assertThat(der[0]).isEqualTo((byte) 0x30);
        files.add(new NamedFile("TrustedRootCA.der", der));
        CollateralFiles.Assembled a = CollateralFiles.assemble(files, Unrecognized.SKIP);
        assertThat(a.collateral()).isEqualTo(intelCollateral());
        assertThat(a.passedOver()).containsExactly(
                "TrustedRootCA.der is not collateral (not TCB info, QE identity, a CRL or a certificate chain)");
    }

    @Test
    @DisplayName("JSON that is neither a TCB info nor a QE identity response: passed over with SKIP, refused with REJECT")
    void otherJson() {
        List<NamedFile> files = intelFiles();
        files.add(new NamedFile("settings.json", "{\"pccs\":\"https://localhost\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(CollateralFiles.assemble(files, Unrecognized.SKIP).passedOver())
                .containsExactly("settings.json is JSON but neither a PCS TCB info nor a QE identity response");
        assertThatThrownBy(() -> CollateralFiles.assemble(files, Unrecognized.REJECT))
                .isInstanceOf(CollateralException.class)
                .hasMessageStartingWith("settings.json is JSON but neither a PCS TCB info response");
    }

    @Test
    @DisplayName("A URL-encoded issuer chain whose first character is '%' (an encoded line break) is decoded")
    void urlEncodedChainStartingWithPercent() {
        List<NamedFile> files = intelFiles();
        files.removeIf(f -> f.name().endsWith("tcbSignChain.pem"));
        String pem = new String(TestData.bytes("intel-qvl/tcbSignChain.pem"), StandardCharsets.US_ASCII);
        files.add(new NamedFile("tcb-header", URLEncoder.encode("\n" + pem, StandardCharsets.UTF_8)
                .getBytes(StandardCharsets.US_ASCII)));
        Collateral c = CollateralFiles.assemble(files, Unrecognized.REJECT).collateral();
        assertThat(c.tcbInfoIssuerChain()).isEqualTo("\n" + pem);
    }

    @Test
    @DisplayName("NamedFile: content copied in and out, equal by name and content, printed by name and size")
    void namedFileValue() {
        byte[] content = {1, 2, 3};
        NamedFile f = new NamedFile("a", content);
        content[0] = 9;
        assertThat(f.content()).containsExactly(1, 2, 3);
        f.content()[0] = 9;
        assertThat(f.content()[0]).isEqualTo((byte) 1);
        assertThat(f).isEqualTo(new NamedFile("a", new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new NamedFile("a", new byte[] {1, 2, 3}));
        assertThat(f).isNotEqualTo(new NamedFile("b", new byte[] {1, 2, 3}));
        assertThat(f).isNotEqualTo(new NamedFile("a", new byte[] {1, 2, 4}));
        assertThat(f.hashCode()).isNotEqualTo(new NamedFile("b", new byte[] {1, 2, 3}).hashCode());
        assertThat(f.toString()).isEqualTo("NamedFile[a, 3 bytes]");
    }

    @Test
    @DisplayName("PcsResponses.collateral URL-decodes a header value whose first character is '%' and keeps plain PEM as is")
    void headerValueStartingWithPercent() {
        String pem = new String(TestData.bytes("go-tdx-guest/tcb_info_issuer_chain.pem"), StandardCharsets.US_ASCII);
        String encoded = URLEncoder.encode("\n" + pem, StandardCharsets.UTF_8);
        assertThat(encoded).startsWith("%0A");
        Collateral c = PcsResponses.collateral(TestData.bytes("go-tdx-guest/sample_tcbInfo_response"), encoded,
                TestData.bytes("go-tdx-guest/sample_qeIdentity_response"), pem, TestData.bytes("go-tdx-guest/pckcrl"),
                pem, TestData.bytes("go-tdx-guest/rootcrl.der"));
        assertThat(c.tcbInfoIssuerChain()).isEqualTo("\n" + pem);
        assertThat(c.qeIdentityIssuerChain()).isEqualTo(pem);
    }

    @Test
    @DisplayName("A PCS response without its object or signature, or with a signature of 63 bytes, is MALFORMED, saying which")
    void pcsResponseParts() {
        java.util.function.Function<String, String> refusal = body -> {
            try {
                PcsResponses.tcbInfo(body.getBytes(StandardCharsets.UTF_8));
                return "accepted";
            } catch (CollateralException e) {
                return e.getMessage();
            }
        };
        assertThat(refusal.apply("{\"signature\":\"00\"}")).isEqualTo("PCS response (tcbInfo): no 'tcbInfo' object");
        assertThat(refusal.apply("{\"tcbInfo\":{}}")).isEqualTo("PCS response (tcbInfo): no 'signature' string");
        assertThat(refusal.apply("{\"tcbInfo\":{},\"signature\":\"zz\"}"))
                .isEqualTo("PCS response (tcbInfo): signature is not hex");
        assertThat(refusal.apply("{\"tcbInfo\":{},\"signature\":\"" + "00".repeat(63) + "\"}"))
                .isEqualTo("PCS response (tcbInfo): signature must be 64 bytes, is 63");
        assertThat(refusal.apply("[]")).isEqualTo("PCS response (tcbInfo): not a JSON object");
        assertThat(PcsResponses.tcbInfo(("{\"x\":[1,{\"tcbInfo\":2}],\"tcbInfo\":{\"a\":1},\"signature\":\""
                + "00".repeat(64) + "\"}").getBytes(StandardCharsets.UTF_8)).text()).isEqualTo("{\"a\":1}");
    }
}
