package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tdx4j inspect} on certificates and CRLs (PEM, DER, hex) and on collateral's TCB and QE identity levels.
 * Expected values are the facts recorded in vectors/README.md or read from the JSON documents directly.
 */
class InspectX509AndLevelsTest {
    private static final Path DATA = TestVectors.DIR;

    private static JsonNode inspect(Path file) throws Exception {
        CliRun r = CliRun.of("inspect", "--json", file.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    @DisplayName("Intel's root CA (DER): subject, issuer, serial, validity, P-256 key, CA path length 1, SHA-256 44a0196b…")
    void rootCertificateDer() throws Exception {
        JsonNode j = inspect(DATA.resolve("dcap-qvl/TrustedRootCA.der"));
        assertThat(j.get("kind").asText()).isEqualTo("X.509 certificates");
        assertThat(j.get("encoding").asText()).isEqualTo("DER");
        JsonNode c = j.get("certificates").get(0);
        assertThat(c.get("subject").asText()).contains("CN=Intel SGX Root CA");
        assertThat(c.get("issuer").asText()).isEqualTo(c.get("subject").asText());
        assertThat(c.get("serial").asText()).isEqualTo("22650cd65a9d3489f383b49552bf501b392706ac");
        assertThat(c.get("notBefore").asText()).startsWith("2018-05-21");
        assertThat(c.get("notAfter").asText()).isEqualTo("2049-12-31T23:59:59Z");
        assertThat(c.get("key").get("algorithm").asText()).isEqualTo("EC P-256");
        assertThat(c.get("key").get("point").asText()).hasSize(128);
        assertThat(c.get("ca").asText()).isEqualTo("yes, path length 1");
        assertThat(c.get("sha256").asText())
                .isEqualTo("44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3");
        assertThat(c.has("sgxExtensions")).isFalse();
    }

    @Test
    @DisplayName("A PCK certificate (PEM) shows its SGX extensions: FMSPC ed742af8adf5, PCE-ID 8a67, validity 2021-08-06..2028-08-06")
    void pckCertificateSgxExtensions() throws Exception {
        JsonNode c = inspect(DATA.resolve("intel-qvl/pckCert.pem")).get("certificates").get(0);
        assertThat(c.get("subject").asText()).contains("CN=Intel SGX PCK Certificate");
        assertThat(c.get("notBefore").asText()).startsWith("2021-08-06");
        assertThat(c.get("notAfter").asText()).startsWith("2028-08-06");
        JsonNode sgx = c.get("sgxExtensions");
        assertThat(sgx.get("fmspc").asText()).isEqualTo("ed742af8adf5");
        assertThat(sgx.get("pceId").asText()).isEqualTo("8a67");
        assertThat(sgx.get("tcbComponents")).hasSize(16);
    }

    @Test
    @DisplayName("A PEM chain lists every certificate in file order (pckSignChain.pem: root first, then the PCK Processor CA)")
    void pemChain() throws Exception {
        JsonNode certs = inspect(DATA.resolve("intel-qvl/pckSignChain.pem")).get("certificates");
        assertThat(certs).hasSize(2);
        assertThat(certs.get(0).get("selfSigned").asBoolean()).isTrue();
        assertThat(certs.get(1).get("subject").asText()).contains("CN=Intel SGX PCK Processor CA");
        assertThat(certs.get(1).get("ca").asText()).isEqualTo("yes, path length 0");
    }

    @Test
    @DisplayName("The go-tdx-guest PCK CRL (DER) lists all 44 revoked serials, its issuer and dates; as PEM and as hex the same")
    void crlRevokedSerials(@TempDir Path dir) throws Exception {
        Path der = DATA.resolve("go-tdx-guest/pckcrl");
        JsonNode crl = inspect(der).get("crls").get(0);
        assertThat(crl.get("issuer").asText()).contains("CN=Intel SGX PCK Platform CA");
        assertThat(crl.get("thisUpdate").asText()).isEqualTo("2023-06-08T07:27:52Z");
        assertThat(crl.get("nextUpdate").asText()).isEqualTo("2023-07-08T07:27:52Z");
        assertThat(crl.get("revokedCount").asInt()).isEqualTo(44);
        assertThat(crl.get("revoked")).hasSize(44);
        List<String> serials = new ArrayList<>();
        crl.get("revoked").forEach(e -> serials.add(e.get("serial").asText()));
        assertThat(serials).doesNotHaveDuplicates().allMatch(s -> s.matches("[0-9a-f]+"));

        byte[] bytes = Files.readAllBytes(der);
        Path pem = dir.resolve("pckcrl.pem");
        Files.writeString(pem, "-----BEGIN X509 CRL-----\n" + Base64.getMimeEncoder().encodeToString(bytes)
                + "\n-----END X509 CRL-----\n");
        assertThat(inspect(pem).get("crls")).isEqualTo(inspect(der).get("crls"));
        Path hex = dir.resolve("pckcrl.hex"); // as a PCCS serves a CRL
        Files.writeString(hex, HexFormat.of().formatHex(bytes));
        assertThat(inspect(hex).get("crls")).isEqualTo(inspect(der).get("crls"));
    }

    @Test
    @DisplayName("The text form of a CRL names each revoked serial")
    void crlText() {
        CliRun r = CliRun.of("inspect", DATA.resolve("go-tdx-guest/pckcrl").toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("revoked (44)").contains("serial ");
    }

    @Test
    @DisplayName("A PCS TCB info response shows every platform level (SVNs, PCESVN, date, status, advisories) and every module identity level")
    void tcbInfoLevels() throws Exception {
        Path file = DATA.resolve("go-tdx-guest/sample_tcbinfo_response_v5");
        JsonNode raw = new ObjectMapper().readTree(Files.readAllBytes(file)).get("tcbInfo");
        JsonNode t = inspect(file).get("tcbInfo");
        assertThat(t.get("tcbLevels")).hasSize(raw.get("tcbLevels").size()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode level = t.get("tcbLevels").get(i);
            JsonNode rawLevel = raw.get("tcbLevels").get(i);
            assertThat(level.get("tcbStatus").asText()).isEqualTo(rawLevel.get("tcbStatus").asText());
            assertThat(level.get("tcbDate").asText()).isEqualTo(rawLevel.get("tcbDate").asText());
            assertThat(level.get("pcesvn").asInt()).isEqualTo(rawLevel.get("tcb").get("pcesvn").asInt());
            assertThat(level.get("sgxTcbComponents")).hasSize(16);
            assertThat(level.get("tdxTcbComponents")).hasSize(16);
            assertThat(level.get("tdxTcbComponents").get(0).asInt())
                    .isEqualTo(rawLevel.get("tcb").get("tdxtcbcomponents").get(0).get("svn").asInt());
            assertThat(level.get("advisoryIDs").size()).isEqualTo(rawLevel.path("advisoryIDs").size());
        }
        List<String> ids = new ArrayList<>();
        t.get("tdxModuleIdentities").forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids).containsExactlyInAnyOrder("TDX_01", "TDX_03");
        assertThat(t.get("tdxModuleIdentities").get(1).get("tcbLevels")).isNotEmpty();
        assertThat(t.get("tcbEvaluationDataNumber").asText()).isEqualTo("18");
    }

    @Test
    @DisplayName("A PCS QE identity response shows its levels: go-tdx-guest's one level, ISVSVN 4, UpToDate")
    void qeIdentityLevels() throws Exception {
        JsonNode q = inspect(DATA.resolve("go-tdx-guest/sample_qeIdentity_response")).get("enclaveIdentity");
        assertThat(q.get("id").asText()).isEqualTo("TD_QE");
        assertThat(q.get("tcbLevels")).hasSize(1);
        assertThat(q.get("tcbLevels").get(0).get("isvsvn").asInt()).isEqualTo(4);
        assertThat(q.get("tcbLevels").get(0).get("tcbStatus").asText()).isEqualTo("UpToDate");
    }

    @Test
    @DisplayName("QuoteCollateralV3: tcb_info and qe_identity show every level; the CRLs their revoked serials; the chains key and extensions")
    void quoteCollateralV3() throws Exception {
        Path file = DATA.resolve("dcap-qvl/tdx_quote_collateral.json");
        JsonNode raw = new ObjectMapper().readTree(Files.readAllBytes(file));
        JsonNode rawTcb = new ObjectMapper().readTree(raw.get("tcb_info").asText());
        JsonNode j = inspect(file);
        assertThat(j.get("tcb_info").get("tcbLevels")).hasSize(rawTcb.get("tcbLevels").size());
        List<String> statuses = new ArrayList<>();
        j.get("tcb_info").get("tcbLevels").forEach(l -> statuses.add(l.get("tcbStatus").asText()));
        List<String> rawStatuses = new ArrayList<>();
        rawTcb.get("tcbLevels").forEach(l -> rawStatuses.add(l.get("tcbStatus").asText()));
        assertThat(statuses).isEqualTo(rawStatuses);
        assertThat(j.get("qe_identity").get("tcbLevels")).isNotEmpty();
        assertThat(j.get("pck_crl").has("revoked")).isTrue();
        assertThat(j.get("tcb_info_issuer_chain").get("certificates").get(0).get("key").get("algorithm").asText())
                .isEqualTo("EC P-256");
    }

    @Test
    @DisplayName("Intel's sample TCB info shows SVNs above 255 as written (65473), for a reader to see what the verifier refuses")
    void svnAbove255Shown() throws Exception {
        JsonNode t = inspect(DATA.resolve("intel-qvl/tcbInfo.json")).get("tcbInfo");
        assertThat(t.get("tcbLevels").get(0).get("sgxTcbComponents").get(1).asInt()).isEqualTo(65473);
    }

    @Test
    @DisplayName("A quote's PCK chain shows each certificate's key, and the PCK leaf's SGX extensions")
    void quoteChainCertificates() throws Exception {
        JsonNode j = inspect(DATA.resolve("dcap-qvl/tdx_quote"));
        String all = j.toString();
        assertThat(all).contains("\"sgxExtensions\"").contains("\"algorithm\":\"EC P-256\"");
    }

    @Test
    @DisplayName("A PEM certificate whose base64 is damaged: exit 1, one sentence, no stack trace")
    void damagedPem(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n",
                StandardCharsets.US_ASCII);
        CliRun r = CliRun.of("inspect", bad.toString());
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err().lines().toList()).containsExactly("tdx4j inspect: " + bad
                + " has PEM block 1 (CERTIFICATE) that is not an X.509 certificate.");
    }
}
