package io.github.tdx4j.call;

/**
 * Whether a failing call guards a security property (attestation, measurement, memory acceptance) or not.
 * The seed review's policy makes a TDX-module failure fatal only for security-sensitive calls.
 */
public enum Sensitivity {
    /** A failure loses function, not a security property. */
    ORDINARY,
    /** A failure could let the TD continue with a wrong security state (attestation, RTMRs, page acceptance). */
    SECURITY_SENSITIVE
}
