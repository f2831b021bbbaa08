package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdx4j verify} with a relying party's policy: flags, {@code --policy FILE}, exit codes, warnings. */
class VerifyPolicyTest {
    private static final Path DATA = TestVectors.DIR;
    /** dcap-qvl/tdx_quote: UpToDate at 1751328000, not DEBUG, SEPT_VE_DISABLE set. */
    private static final String QUOTE = DATA.resolve("dcap-qvl/tdx_quote").toString();
    private static final String COLLATERAL = DATA.resolve("dcap-qvl/tdx_quote_collateral.json").toString();
    private static final String MRTD =
            "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7";
    /** trustee/tdx_quote_4.dat: a DEBUG TD, UpToDate with the go-tdx-guest collateral at 1688173200. */
    private static final String DEBUG_QUOTE = DATA.resolve("trustee/tdx_quote_4.dat").toString();
    private static final String DEBUG_COLLATERAL = DATA.resolve("go-tdx-guest/derived_collateral_v4.json").toString();
    private static final String ZERO48 = "00".repeat(48);

    private static CliRun verify(String quote, String collateral, String at, String... extra) {
        List<String> args = new ArrayList<>(List.of("verify", quote, "--collateral", collateral, "--at", at));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static JsonNode json(CliRun r) throws Exception {
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    @DisplayName("Without a policy a DEBUG TD keeps exit 0 but gets a visible warning line (stderr) and a warnings entry (JSON)")
    void debugWarningWithoutPolicy() throws Exception {
        CliRun text = verify(DEBUG_QUOTE, DEBUG_COLLATERAL, "1688173200");
        assertThat(text.exitCode()).isZero();
        assertThat(text.err().lines().toList()).containsExactly("tdx4j verify: warning: the TD is a DEBUG TD "
                + "(TDATTRIBUTES.DEBUG): the host can read and change its memory and state, so nothing it reports can "
                + "be trusted.");
        CliRun j = verify(DEBUG_QUOTE, DEBUG_COLLATERAL, "1688173200", "--json");
        assertThat(json(j).get("policy").isNull()).isTrue();
        assertThat(json(j).get("warnings")).hasSize(1);
        assertThat(json(j).get("warnings").get(0).asText()).startsWith("the TD is a DEBUG TD");
    }

    @Test
    @DisplayName("Without a policy expired collateral keeps exit 0 but gets a warning naming the expired item")
    void expiredWarningWithoutPolicy() throws Exception {
        CliRun r = verify(QUOTE, COLLATERAL, "2026-01-01T00:00:00Z");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("warning: the collateral had expired at the verification time (PCK CRL at ");
        CliRun fresh = verify(QUOTE, COLLATERAL, "1751328000");
        assertThat(fresh.err()).isEmpty();
    }

    @Test
    @DisplayName("With any policy flag a DEBUG TD fails (exit 2, DEBUG_TD listed with expected and actual) unless --allow-debug")
    void debugFailsUnderAnyPolicy() throws Exception {
        CliRun r = verify(DEBUG_QUOTE, DEBUG_COLLATERAL, "1688173200", "--mrtd",
                "705ee9381b8633a9fbe532b52345e8433343d2868959f57889d84ca377c395b689cac1599ccea1b7d420483a9ce5f031");
        assertThat(r.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).contains("verified    yes").contains("policy      FAILED: 1 rule\n  DEBUG_TD\n"
                + "    expected  DEBUG clear\n    actual    0x0000000010000001 [DEBUG, SEPT_VE_DISABLE]\n");
        CliRun allowed = verify(DEBUG_QUOTE, DEBUG_COLLATERAL, "1688173200", "--allow-debug", "--json");
        assertThat(allowed.exitCode()).isZero();
        assertThat(json(allowed).get("policy").get("accepted").asBoolean()).isTrue();
        assertThat(allowed.err()).contains("warning: the TD is a DEBUG TD"); // allowed, still said
    }

    @Test
    @DisplayName("Every failed rule is listed under policy.violations with rule, expected and actual, and the command exits 2")
    void everyFailedRuleListed() throws Exception {
        CliRun r = verify(QUOTE, COLLATERAL, "2026-01-01T00:00:00Z", "--json", "--mrtd", ZERO48,
                "--rtmr", "2=" + "11".repeat(48), "--report-data", "0xabcd", "--mrconfigid", "22".repeat(48),
                "--min-tee-tcb-svn", "07" + "00".repeat(15), "--accept-status", "OutOfDate,SWHardeningNeeded",
                "--reject-expired-collateral", "--require-sept-ve-disable");
        assertThat(r.exitCode()).isEqualTo(Main.CHECK_FAILED);
        JsonNode p = json(r).get("policy");
        assertThat(p.get("accepted").asBoolean()).isFalse();
        List<String> rules = new ArrayList<>();
        p.get("violations").forEach(v -> rules.add(v.get("rule").asText()));
        assertThat(rules).containsExactly("TCB_STATUS_NOT_ACCEPTED", "COLLATERAL_EXPIRED", "MRTD_MISMATCH",
                "RTMR_MISMATCH", "MRCONFIGID_MISMATCH", "TEE_TCB_SVN_TOO_LOW", "REPORT_DATA_MISMATCH");
        JsonNode mrtd = p.get("violations").get(2);
        assertThat(mrtd.get("expected").asText()).isEqualTo(ZERO48);
        assertThat(mrtd.get("actual").asText()).isEqualTo(MRTD);
        assertThat(p.get("violations").get(0).get("expected").asText())
                .isEqualTo("one of [OutOfDate, SWHardeningNeeded]");
        assertThat(p.get("violations").get(0).get("actual").asText()).isEqualTo("UpToDate");
        assertThat(json(r).get("warnings")).isEmpty(); // expiry is a failed rule here, not a warning too
        assertThat(p.get("document").get("requireSeptVeDisable").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("The quote's own values pass (exit 0, 'policy passed'); the default accepted status is UpToDate only")
    void ownValuesPass() throws Exception {
        CliRun r = verify(QUOTE, COLLATERAL, "1751328000", "--mrtd", MRTD.toUpperCase(), "--require-sept-ve-disable");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("policy      passed");
        // dcap-qvl/sgx_quote verifies ConfigurationAndSWHardeningNeeded: any policy refuses it as not UpToDate
        // and as not a TD.
        CliRun sgx = verify(DATA.resolve("dcap-qvl/sgx_quote").toString(),
                DATA.resolve("dcap-qvl/sgx_quote_collateral.json").toString(), "1751328000", "--allow-debug", "--json");
        assertThat(sgx.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(json(sgx).get("policy").get("violations").get(0).get("rule").asText()).isEqualTo("NOT_A_TD");
    }

    @Test
    @DisplayName("--policy FILE applies the document; flags override its fields")
    void policyFile(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"version\": 1, \"mrTd\": \"" + ZERO48 + "\", \"acceptedStatuses\": [\"UpToDate\"]}");
        CliRun r = verify(QUOTE, COLLATERAL, "1751328000", "--policy", policy.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(json(r).get("policy").get("violations").get(0).get("rule").asText()).isEqualTo("MRTD_MISMATCH");
        CliRun overridden = verify(QUOTE, COLLATERAL, "1751328000", "--policy", policy.toString(), "--mrtd", MRTD);
        assertThat(overridden.exitCode()).as(overridden.out()).isZero();
    }

    @Test
    @DisplayName("The README's example policy (tdx4j-attest/examples/td-policy.json) accepts dcap-qvl/tdx_quote and refuses it once the collateral expired")
    void readmeExamplePolicy() throws Exception {
        String policy = DATA.getParent().resolve("tdx4j-attest/examples/td-policy.json").toString();
        assertThat(verify(QUOTE, COLLATERAL, "2025-07-01T00:00:00Z", "--policy", policy).exitCode()).isZero();
        CliRun expired = verify(QUOTE, COLLATERAL, "2026-01-01T00:00:00Z", "--policy", policy, "--json");
        assertThat(expired.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(json(expired).get("policy").get("violations").get(0).get("rule").asText())
                .isEqualTo("COLLATERAL_EXPIRED");
    }

    @Test
    @DisplayName("A quote that fails verification under a policy: exit 2, policy not evaluated")
    void failedVerificationWithPolicy() throws Exception {
        CliRun r = verify(DATA.resolve("dcap-qvl/tdx-quote.hex").toString(), COLLATERAL, "1751328000", "--allow-debug",
                "--json");
        assertThat(r.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(json(r).get("policy").get("evaluated").asBoolean()).isFalse();
        assertThat(json(r).get("policy").get("accepted").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("Bad policy input is a usage error in one sentence naming the option or field, exit 1")
    void badPolicyInput(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("typo.json");
        Files.writeString(typo, "{\"mrtd\": \"" + MRTD + "\"}");
        String[][] cases = {
                {"--rtmr", "4=" + ZERO48, "--rtmr '4=" + ZERO48 + "' is not N=HEX with N one of 0, 1, 2, 3"},
                {"--accept-status", "UpToDate,Fine", "--accept-status 'Fine' is not a TCB status"},
                {"--mrtd", "abc", "--mrtd 'abc': MRTD must be 48 bytes of hex"},
                {"--min-tee-tcb-svn", "00", "--min-tee-tcb-svn '00'"},
                {"--report-data", "00".repeat(65), "--report-data"},
                {"--policy", typo.toString(), "unknown field \"mrtd\""},
                {"--policy", dir.resolve("none.json").toString(), "cannot read"},
        };
        for (String[] c : cases) {
            CliRun r = verify(QUOTE, COLLATERAL, "1751328000", c[0], c[1]);
            assertThat(r.exitCode()).as(c[0] + " " + c[1]).isEqualTo(Main.USAGE);
            assertThat(r.err().lines().toList()).as(c[0]).hasSize(1);
            assertThat(r.err()).startsWith("tdx4j verify: ").contains(c[2]).doesNotContain("Exception");
            assertThat(r.out()).isEmpty();
        }
    }
}
