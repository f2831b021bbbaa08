package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.policy.PolicyViolation;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attestation result of one verification in EAR terms (draft-ietf-rats-ear, "EAR Appraisal Claims"; values of
 * draft-ietf-rats-ar4si, "Trustworthiness Claims"): a trustworthiness vector and the status tier it implies.
 *
 * <p>Tiers (draft-ietf-rats-ear, "Trustworthiness Tiers"): claim values 0 none, 2..31 affirming, 32..95 warning,
 * 96..127 contraindicated; the status is the worst tier of the vector's claims. Claims set here:
 * <table>
 *   <caption>Claims from the verification and the policy</caption>
 *   <tr><th>claim</th><th>value</th><th>when</th></tr>
 *   <tr><td>hardware</td><td>2 (genuine)</td><td>the quote verified and the TCB status is UpToDate</td></tr>
 *   <tr><td>hardware</td><td>32 (unsafe)</td><td>verified with another TCB status but Revoked, or a policy rule on
 *       the TCB (TCB_STATUS_NOT_ACCEPTED, COLLATERAL_EXPIRED, TEE_TCB_SVN_TOO_LOW) is broken</td></tr>
 *   <tr><td>hardware</td><td>96 (contraindicated)</td><td>verification failed, or the TCB status is Revoked</td></tr>
 *   <tr><td>configuration</td><td>2 (approved)</td><td>verified and no configuration rule broken</td></tr>
 *   <tr><td>configuration</td><td>32 (unsafe)</td><td>SEPT_VE_DISABLE_OFF or MRSERVICETD_MISMATCH</td></tr>
 *   <tr><td>configuration</td><td>96 (contraindicated)</td><td>DEBUG_TD or NOT_A_TD</td></tr>
 *   <tr><td>executables</td><td>33 (unrecognized)</td><td>an expected measurement (MRTD, RTMR, MRCONFIGID,
 *       MROWNER, MROWNERCONFIG) differs</td></tr>
 * </table>
 * So the status is {@code affirming} exactly when the quote verified UpToDate and meets the policy.
 *
 * @param status the EAR status: {@code affirming}, {@code warning} or {@code contraindicated}
 * @param vector claim name (draft-ietf-rats-ear's JSON names, e.g. {@code hardware}) to value, in a fixed order
 */
record Appraisal(String status, Map<String, Integer> vector) {
    static final String AFFIRMING = "affirming";
    static final String WARNING = "warning";
    static final String CONTRAINDICATED = "contraindicated";

    static final int GENUINE = 2;
    static final int APPROVED = 2;
    static final int UNSAFE = 32;
    static final int UNRECOGNIZED_RUNTIME = 33;
    static final int CONTRAINDICATED_VALUE = 96;

    static Appraisal of(VerificationService.Outcome outcome) {
        Map<String, Integer> v = new LinkedHashMap<>();
        if (!(outcome.result() instanceof VerificationResult.Verified verified)) {
            v.put("hardware", CONTRAINDICATED_VALUE);
            return new Appraisal(CONTRAINDICATED, Collections.unmodifiableMap(v));
        }
        int hardware = verified.status() == TcbStatus.UP_TO_DATE ? GENUINE
                : verified.status() == TcbStatus.REVOKED ? CONTRAINDICATED_VALUE : UNSAFE;
        int configuration = APPROVED;
        int executables = 0;
        for (PolicyViolation p : outcome.violations()) {
            switch (p.rule()) {
                case TCB_STATUS_NOT_ACCEPTED, COLLATERAL_EXPIRED, TEE_TCB_SVN_TOO_LOW -> hardware = Math.max(hardware, UNSAFE);
                case SEPT_VE_DISABLE_OFF, MRSERVICETD_MISMATCH -> configuration = Math.max(configuration, UNSAFE);
                case DEBUG_TD, NOT_A_TD -> configuration = CONTRAINDICATED_VALUE;
                case MRTD_MISMATCH, RTMR_MISMATCH, MRCONFIGID_MISMATCH, MROWNER_MISMATCH, MROWNERCONFIG_MISMATCH ->
                        executables = UNRECOGNIZED_RUNTIME;
                // A rule added to TdPolicy later is never affirming until it is mapped here.
                default -> configuration = Math.max(configuration, UNSAFE);
            }
        }
        v.put("configuration", configuration);
        if (executables != 0) {
            v.put("executables", executables);
        }
        v.put("hardware", hardware);
        int worst = v.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new Appraisal(tier(worst), Collections.unmodifiableMap(v));
    }

    /** The tier of a claim value (draft-ietf-rats-ear, "Trustworthiness Tiers"). */
    static String tier(int value) {
        if (value >= 96) {
            return CONTRAINDICATED;
        }
        if (value >= 32) {
            return WARNING;
        }
        return value >= 2 ? AFFIRMING : "none";
    }
}
