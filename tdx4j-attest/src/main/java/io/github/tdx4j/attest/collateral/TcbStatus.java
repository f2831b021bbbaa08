package io.github.tdx4j.attest.collateral;

import java.util.Optional;

/**
 * A TCB status: the verdict of quote verification, and the status strings of TCB levels in Intel's TCB info and
 * QE identity.
 *
 * <p>Intel PCS API v4, "TDX TCB Info" and "Enclave Identity" (field {@code tcbStatus}); Intel QVL
 * {@code Verifiers/TcbStatus.h}. The two TD-relaunch statuses never appear in collateral: the verifier produces
 * them for TDX 1.5 quotes (Intel QVL {@code TDRelaunchCheck.cpp}). A closed set we produce; a status string we do
 * not know makes the collateral malformed, as in Intel's QVL.
 */
public enum TcbStatus {
    /** The platform is patched to the latest TCB. */
    UP_TO_DATE("UpToDate"),
    /** Up to date, but software mitigations for the listed advisories are needed. */
    SW_HARDENING_NEEDED("SWHardeningNeeded"),
    /** Up to date, but the platform configuration (BIOS settings) needs changes. */
    CONFIGURATION_NEEDED("ConfigurationNeeded"),
    /** Both of the above. */
    CONFIGURATION_AND_SW_HARDENING_NEEDED("ConfigurationAndSWHardeningNeeded"),
    /** The platform's TCB is older than the latest. */
    OUT_OF_DATE("OutOfDate"),
    /** Out of date, and the configuration needs changes. */
    OUT_OF_DATE_CONFIGURATION_NEEDED("OutOfDateConfigurationNeeded"),
    /** TDX 1.5: the TDX module was updated in place; relaunching the TD brings it up to date. */
    TD_RELAUNCH_ADVISED("TDRelaunchAdvised"),
    /** TDX 1.5: as {@link #TD_RELAUNCH_ADVISED}, and the configuration needs changes. */
    TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED("TDRelaunchAdvisedConfigurationNeeded"),
    /** The TCB level is revoked. */
    REVOKED("Revoked");

    private final String jsonName;

    TcbStatus(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name Intel uses in collateral and in its verification results, e.g. {@code UpToDate}. */
    public String jsonName() {
        return jsonName;
    }

    /** The status named {@code name} exactly as in Intel's JSON, if there is one. */
    public static Optional<TcbStatus> fromJsonName(String name) {
        for (TcbStatus s : values()) {
            if (s.jsonName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Whether the status asks for a configuration change (Intel QVL {@code isConfigurationNeeded}). */
    public boolean configurationNeeded() {
        return this == CONFIGURATION_NEEDED || this == CONFIGURATION_AND_SW_HARDENING_NEEDED
                || this == OUT_OF_DATE_CONFIGURATION_NEEDED || this == TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED;
    }

    @Override
    public String toString() {
        return jsonName;
    }
}
