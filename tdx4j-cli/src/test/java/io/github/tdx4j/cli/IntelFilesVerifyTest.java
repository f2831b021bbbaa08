package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.PcsResponses;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --collateral DIR} and repeated {@code --collateral FILE}: Intel's QVL sample data
 * ({@code vectors/intel-qvl}) verified from its own files, exactly as from QuoteCollateralV3 JSON made of the same
 * items in their known roles.
 */
class IntelFilesVerifyTest {
    private static final Path QVL = TestVectors.DIR.resolve("intel-qvl");
    private static final String QUOTE = QVL.resolve("quote.dat").toString();
    private static final String ROOT = QVL.resolve("trustedRootCaCert.pem").toString();
    private static final String AT = "2025-01-01T00:00:00Z";

    private static JsonNode json(CliRun r) throws Exception {
        return new ObjectMapper().readTree(r.out());
    }

    private static String text(String name) throws Exception {
        return Files.readString(QVL.resolve(name), StandardCharsets.UTF_8);
    }

    /** The same items as QuoteCollateralV3 JSON, each placed in its role by hand (as IntelSampleTest does). */
    private static Path byHand(Path dir) throws Exception {
        PcsResponses.SignedJson tcb = PcsResponses.tcbInfo(Files.readAllBytes(QVL.resolve("tcbInfo.json")));
        PcsResponses.SignedJson qe = PcsResponses.qeIdentity(Files.readAllBytes(QVL.resolve("qeIdentity.json")));
        Collateral c = new Collateral(text("pckSignChain.pem"), Files.readAllBytes(QVL.resolve("rootCaCrl.der")),
                Files.readAllBytes(QVL.resolve("intermediateCaCrl.der")), text("tcbSignChain.pem"), tcb.text(),
                tcb.signature(), text("tcbSignChain.pem"), qe.text(), qe.signature());
        Path out = dir.resolve("by-hand.json");
        Files.writeString(out, QuoteCollateralV3.toJson(c));
        return out;
    }

    @Test
    @DisplayName("verify intel-qvl/quote.dat --collateral vectors/intel-qvl/ gives the verdict of the same collateral as QuoteCollateralV3, past the PCK chain, CRLs and signed JSON to the TCB info's SVNs")
    void directoryVerifies(@TempDir Path dir) throws Exception {
        CliRun fromDir = CliRun.of("verify", QUOTE, "--collateral", QVL.toString(), "--root", ROOT, "--at", AT, "--json");
        CliRun fromJson = CliRun.of("verify", QUOTE, "--collateral", byHand(dir).toString(), "--root", ROOT, "--at", AT,
                "--json");
        assertThat(json(fromDir)).isEqualTo(json(fromJson));
        assertThat(fromDir.exitCode()).isEqualTo(fromJson.exitCode());
        JsonNode j = json(fromDir);
        // Intel's sample tcbInfo.json has component SVNs above 255 (65473 = 0xFFC1), which tdx4j refuses as malformed
        // collateral (tdx4j-attest/DEVIATIONS.md, D7). Both routes reach that verdict, so the directory's chains,
        // CRLs and signed JSON were all read and checked before the TCB info's contents.
        assertThat(j.path("error").asText()).isEqualTo("MALFORMED_COLLATERAL");
        assertThat(j.path("detail").asText()).contains("svn");
        // The directory's other files are named once each as passed over, never used.
        assertThat(fromDir.err().lines().filter(l -> l.contains("note:")).toList()).hasSize(3)
                .anyMatch(l -> l.contains("quote.dat is not collateral"))
                .anyMatch(l -> l.contains("trustedRootCaCert.pem is a root certificate"));
    }

    @Test
    @DisplayName("The six files named one by one with --collateral verify as the directory does")
    void listOfFiles() throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("verify", QUOTE, "--root", ROOT, "--at", AT, "--json"));
        for (String f : List.of("tcbInfo.json", "qeIdentity.json", "tcbSignChain.pem", "pckSignChain.pem",
                "rootCaCrl.der", "intermediateCaCrl.der")) {
            args.add("--collateral");
            args.add(QVL.resolve(f).toString());
        }
        CliRun fromList = CliRun.of(args.toArray(String[]::new));
        CliRun fromDir = CliRun.of("verify", QUOTE, "--collateral", QVL.toString(), "--root", ROOT, "--at", AT, "--json");
        assertThat(json(fromList)).isEqualTo(json(fromDir));
        assertThat(fromList.err()).isEmpty();
    }

    @Test
    @DisplayName("tdx4j collateral QUOTE --collateral DIR --out c.json converts Intel's files to QuoteCollateralV3")
    void convert(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("c.json");
        CliRun r = CliRun.of("collateral", QUOTE, "--collateral", QVL.toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(QuoteCollateralV3.parse(Files.readAllBytes(out)))
                .isEqualTo(QuoteCollateralV3.parse(Files.readAllBytes(byHand(dir))));
    }

    @Test
    @DisplayName("A directory without qeIdentity.json, or a named file that is not collateral: exit 1, one sentence")
    void incompleteOrWrongFiles(@TempDir Path dir) throws Exception {
        for (String f : List.of("tcbInfo.json", "tcbSignChain.pem", "pckSignChain.pem", "rootCaCrl.der",
                "intermediateCaCrl.der")) {
            Files.copy(QVL.resolve(f), dir.resolve(f));
        }
        CliRun r = CliRun.of("verify", QUOTE, "--collateral", dir.toString(), "--root", ROOT, "--at", AT);
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err().lines().toList()).containsExactly("tdx4j verify: the collateral files lack the QE identity "
                + "(Intel's sample file qeIdentity.json: a PCS response {\"enclaveIdentity\":{…},\"signature\":…}).");
        CliRun notCollateral = CliRun.of("verify", QUOTE, "--collateral", QVL.resolve("tcbInfo.json").toString(),
                "--collateral", QUOTE, "--root", ROOT, "--at", AT);
        assertThat(notCollateral.exitCode()).isEqualTo(Main.USAGE);
        assertThat(notCollateral.err().lines().toList()).hasSize(1).first().asString()
                .contains("quote.dat is not collateral");
    }
}
