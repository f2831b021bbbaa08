package io.github.tdx4j.campaign;

/**
 * The properties every campaign run is checked against (tdx4j-campaign/README.md, "Oracles (checked on every
 * run)"). A closed set we produce; each is a counter of {@link CampaignReport}.
 */
public enum Oracle {
    /** A guest operation exceeded its bound of TDCALLs or of simulated time, or a vCPU its instruction bound. */
    HANG("hangs"),
    /** A fault that a correct guest must turn into an error was followed by a silent success. */
    FAILURE_AS_SUCCESS("failureAsSuccess"),
    /** A canary secret reached a register the VMM saw, a shared page, a quote or a log line. */
    LEAK("leaks"),
    /**
     * A register changed that the operation does not write, a VMM value was not masked and extended as the
     * instruction defines, a page believed private is shared, a quote differs from what the host wrote, the RTMR
     * event log does not replay, or an interrupt vector 0..30 reached the guest.
     */
    CORRUPTION("corruptions"),
    /** A site logged more lines than its reaction allows (warn-once: 1; rate-limited: burst per window). */
    UNBOUNDED_LOG("unboundedLogs"),
    /** A failure without an origin, or with an origin no injected fault explains. */
    WRONG_ORIGIN("wrongOrigin"),
    /** Running the same (version, seed, tape) again gave another trace. */
    REPLAY_MISMATCH("replayMismatches");

    private final String jsonName;

    Oracle(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The counter's name in {@code tdx4j campaign --json}. */
    public String jsonName() {
        return jsonName;
    }
}
