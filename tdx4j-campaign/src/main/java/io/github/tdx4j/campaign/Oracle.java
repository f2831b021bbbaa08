package io.github.tdx4j.campaign;

/**
 * The properties every campaign run is checked against (tdx4j-campaign/README.md, "Oracles (checked on every
 * run)"). A closed set we produce; each is a counter of {@link CampaignReport}.
 */
public enum Oracle {
    /**
     * A guest operation exceeded its bound of TDCALLs or of simulated time, a vCPU its instruction bound, or the
     * watchdog's step or wall-clock budget (a loop that never returns).
     */
    HANG("hangs"),
    /** A fault that a correct guest must turn into an error was followed by a silent success. */
    FAILURE_AS_SUCCESS("failureAsSuccess"),
    /** A canary secret reached a register the VMM saw, a shared page, a quote or a log line. */
    LEAK("leaks"),
    /**
     * A register changed that the operation does not write, a VMM value was not masked and extended as the
     * instruction defines, a page believed private is shared, a quote differs from what the host wrote, the RTMR
     * event log does not replay, an I/O or MMIO exit differs from the instruction, or a GetQuote timeout is not at
     * its deadline.
     */
    CORRUPTION("corruptions"),
    /** A site logged more lines than its reaction allows (warn-once: 1; rate-limited: burst per window). */
    UNBOUNDED_LOG("unboundedLogs"),
    /**
     * A failure without an origin, with an origin no fault injected during the same operation explains, naming a
     * site of another operation, or a retry bound other than the documented one (MapGPA: exactly 3 calls at the same
     * start, then the conversion fails).
     */
    WRONG_ORIGIN("wrongOrigin"),
    /**
     * What {@code TdxCalls.tdvmcall} handed back differs from GHCI: a VMM-written register outside the sub-function's
     * declared outputs, RBX or R12..R15 not the caller's, RAX not zero.
     */
    CALLER_REGISTERS("callerRegisters"),
    /**
     * A failure's reaction differs from the run's preset (LINUX_MAINLINE or SEED_REVIEW), read from an independent
     * table: fatal where the preset says warn or return, not fatal where it says fatal, logged where it says
     * return, silent where it says warn.
     */
    WRONG_REACTION("wrongReaction"),
    /**
     * The simulated TDX module let through what the real one refuses: a posted vector 0..30, an unexposed register
     * reaching the VMM or coming back from it, a TDG.VP.VMCALL exposing RAX, RCX or RSP.
     */
    SIMULATOR_FILTER("simulatorFilters"),
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
