package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.attest.collateral.CollateralFiles.NamedFile;
import io.github.tdx4j.attest.collateral.CollateralFiles.Unrecognized;
import io.github.tdx4j.attest.format.TestData;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Collateral from Intel's separate files ({@link CollateralFiles}), recognised by content. */
class CollateralFilesTest {
    private static final List<String> INTEL_QVL = List.of("tcbInfo.json", "qeIdentity.json", "tcbSignChain.pem",
            "pckSignChain.pem", "rootCaCrl.der", "intermediateCaCrl.der");

    private static NamedFile file(String path) {
        return new NamedFile(path, TestData.bytes(path));
    }

    private static String text(String path) {
        return new String(TestData.bytes(path), StandardCharsets.UTF_8);
    }

    /** The collateral IntelSampleTest assembles by hand from the same files, each in its known role. */
    private static Collateral byHand() {
        PcsResponses.SignedJson tcb = PcsResponses.tcbInfo(TestData.bytes("intel-qvl/tcbInfo.json"));
        PcsResponses.SignedJson qe = PcsResponses.qeIdentity(TestData.bytes("intel-qvl/qeIdentity.json"));
        return new Collateral(text("intel-qvl/pckSignChain.pem"), TestData.bytes("intel-qvl/rootCaCrl.der"),
                TestData.bytes("intel-qvl/intermediateCaCrl.der"), text("intel-qvl/tcbSignChain.pem"), tcb.text(),
                tcb.signature(), text("intel-qvl/tcbSignChain.pem"), qe.text(), qe.signature());
    }

    @Test
    @DisplayName("Intel's QVL sample files, in any order, assemble to the collateral built by hand from their known roles")
    void intelSampleFiles() {
        List<NamedFile> files = new ArrayList<>(INTEL_QVL.stream().map(f -> file("intel-qvl/" + f)).toList());
        assertThat(CollateralFiles.assemble(files, Unrecognized.REJECT).collateral()).isEqualTo(byHand());
        java.util.Collections.reverse(files); // CRL roles do not depend on seeing the chains first
        assertThat(CollateralFiles.assemble(files, Unrecognized.REJECT).collateral()).isEqualTo(byHand());
    }

    @Test
    @DisplayName("A directory's other files (the quote, the trusted root, the PCK certificate) are passed over with a reason, never used")
    void passedOver() {
        List<NamedFile> files = new ArrayList<>(INTEL_QVL.stream().map(f -> file("intel-qvl/" + f)).toList());
        files.add(file("intel-qvl/quote.dat"));
        files.add(file("intel-qvl/trustedRootCaCert.pem"));
        files.add(file("intel-qvl/pckCert.pem"));
        CollateralFiles.Assembled a = CollateralFiles.assemble(files, Unrecognized.SKIP);
        assertThat(a.collateral()).isEqualTo(byHand());
        assertThat(a.passedOver()).hasSize(3).anyMatch(s -> s.startsWith("intel-qvl/quote.dat is not collateral"))
                .anyMatch(s -> s.contains("trustedRootCaCert.pem is a root certificate"))
                .anyMatch(s -> s.contains("pckCert.pem holds a PCK certificate"));
        assertThatThrownBy(() -> CollateralFiles.assemble(files, Unrecognized.REJECT))
                .hasMessageContaining("intel-qvl/quote.dat is not collateral");
    }

    @Test
    @DisplayName("The forms PCS and a PCCS send: URL-encoded issuer-chain header values, PEM and hex CRLs")
    void pcsForms() {
        String pem = "-----BEGIN X509 CRL-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(TestData.bytes("intel-qvl/intermediateCaCrl.der")) + "\n-----END X509 CRL-----\n";
        List<NamedFile> files = List.of(file("intel-qvl/tcbInfo.json"), file("intel-qvl/qeIdentity.json"),
                new NamedFile("tcb-header", URLEncoder.encode(text("intel-qvl/tcbSignChain.pem"), StandardCharsets.UTF_8)
                        .getBytes(StandardCharsets.US_ASCII)),
                new NamedFile("pckcrl-header", URLEncoder.encode(text("intel-qvl/pckSignChain.pem"),
                        StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII)),
                new NamedFile("rootcacrl", (HexFormat.of().formatHex(TestData.bytes("intel-qvl/rootCaCrl.der")) + "\n")
                        .getBytes(StandardCharsets.US_ASCII)),
                new NamedFile("pckcrl.pem", pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(CollateralFiles.assemble(files, Unrecognized.REJECT).collateral()).isEqualTo(byHand());
    }

    @Test
    @DisplayName("The go-tdx-guest PCS responses (a Platform CA chain) assemble to the derived QuoteCollateralV3 of the same items")
    void goTdxGuestResponses() {
        List<NamedFile> files = List.of(file("go-tdx-guest/sample_tcbInfo_response"),
                file("go-tdx-guest/sample_qeIdentity_response"), file("go-tdx-guest/tcb_info_issuer_chain.pem"),
                file("go-tdx-guest/pck_crl_issuer_chain.pem"), file("go-tdx-guest/pckcrl"),
                file("go-tdx-guest/rootcrl.der"));
        Collateral c = CollateralFiles.assemble(files, Unrecognized.REJECT).collateral();
        Collateral saved = QuoteCollateralV3.parse(TestData.bytes("go-tdx-guest/derived_collateral_v4.json"));
        assertThat(c.tcbInfo()).isEqualTo(saved.tcbInfo());
        assertThat(c.qeIdentity()).isEqualTo(saved.qeIdentity());
        assertThat(c.pckCrl()).isEqualTo(saved.pckCrl());
        assertThat(c.rootCaCrl()).isEqualTo(saved.rootCaCrl());
        assertThat(c.pckCrlIssuerChain().strip()).isEqualTo(saved.pckCrlIssuerChain().strip());
    }

    @Test
    @DisplayName("A missing item is named with Intel's sample file name; two different items of one kind are named by file")
    void missingAndDuplicate() {
        List<NamedFile> noQe = INTEL_QVL.stream().filter(f -> !f.equals("qeIdentity.json"))
                .map(f -> file("intel-qvl/" + f)).toList();
        assertThatThrownBy(() -> CollateralFiles.assemble(noQe, Unrecognized.REJECT))
                .isInstanceOfSatisfying(CollateralException.class,
                        e -> assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED))
                .hasMessage("the collateral files lack the QE identity (Intel's sample file qeIdentity.json: a PCS "
                        + "response {\"enclaveIdentity\":{…},\"signature\":…})");
        List<NamedFile> twoTcb = new ArrayList<>(INTEL_QVL.stream().map(f -> file("intel-qvl/" + f)).toList());
        twoTcb.add(file("go-tdx-guest/sample_tcbInfo_response"));
        assertThatThrownBy(() -> CollateralFiles.assemble(twoTcb, Unrecognized.REJECT))
                .hasMessageContaining("two different TCB infos: intel-qvl/tcbInfo.json and go-tdx-guest/sample_tcbInfo_response");
        List<NamedFile> sameTwice = new ArrayList<>(INTEL_QVL.stream().map(f -> file("intel-qvl/" + f)).toList());
        sameTwice.add(new NamedFile("copy.json", TestData.bytes("intel-qvl/tcbInfo.json")));
        assertThat(CollateralFiles.assemble(sameTwice, Unrecognized.REJECT).collateral()).isEqualTo(byHand());
    }

    @Test
    @DisplayName("QuoteCollateralV3 among separate files is refused: it is complete in itself")
    void quoteCollateralAmongFiles() {
        assertThatThrownBy(() -> CollateralFiles.assemble(List.of(file("dcap-qvl/tdx_quote_collateral.json"),
                file("intel-qvl/tcbInfo.json")), Unrecognized.SKIP)).hasMessageContaining("give it alone");
    }
}
