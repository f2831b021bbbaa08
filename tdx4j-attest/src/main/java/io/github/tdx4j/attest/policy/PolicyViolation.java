package io.github.tdx4j.attest.policy;

import java.util.Objects;

/**
 * One way a verified quote breaks a {@link TdPolicy}.
 *
 * @param rule     which rule, a stable code
 * @param detail   what the quote has and what the policy wants, one sentence fragment for people
 * @param expected what the policy wants, e.g. the expected MRTD in lowercase hex or "DEBUG clear"
 * @param actual   what the quote (or its verification result) has, in the same form as {@code expected}
 */
public record PolicyViolation(Rule rule, String detail, String expected, String actual) {
    /** The rules of {@link TdPolicy}. A closed set we produce. */
    public enum Rule {
        /** The verified quote is an SGX enclave quote, not a TD quote: no TD rule can hold. */
        NOT_A_TD,
        /** The TD is debuggable (TDATTRIBUTES.DEBUG): its memory and state are open to the host. */
        DEBUG_TD,
        /** TDATTRIBUTES.SEPT_VE_DISABLE is clear: the host can inject #VE on private-page EPT violations. */
        SEPT_VE_DISABLE_OFF,
        /** The TCB status is not among the accepted ones. */
        TCB_STATUS_NOT_ACCEPTED,
        /** The collateral had expired at the verification time. */
        COLLATERAL_EXPIRED,
        /** MRTD differs from the expected value. */
        MRTD_MISMATCH,
        /** An RTMR differs from the expected value. */
        RTMR_MISMATCH,
        /** MRCONFIGID differs from the expected value. */
        MRCONFIGID_MISMATCH,
        /** MROWNER differs from the expected value. */
        MROWNER_MISMATCH,
        /** MROWNERCONFIG differs from the expected value. */
        MROWNERCONFIG_MISMATCH,
        /** MRSERVICETD differs from the expected value (by default: all zero, no service TD bound). */
        MRSERVICETD_MISMATCH,
        /** A TEE_TCB_SVN component is below the required minimum. */
        TEE_TCB_SVN_TOO_LOW,
        /** REPORTDATA differs from the expected value (a nonce or key hash the relying party chose). */
        REPORT_DATA_MISMATCH
    }

    public PolicyViolation {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(actual, "actual");
    }

    /** A violation described only in words (expected and actual empty); kept for callers of the first version. */
    public PolicyViolation(Rule rule, String detail) {
        this(rule, detail, "", "");
    }

    @Override
    public String toString() {
        return rule + ": " + detail;
    }
}
