package io.github.tdx4j.sim;

import io.github.tdx4j.abi.VeExitReason;

/**
 * The #VE information the TDX module keeps for one vCPU between raising a #VE and the guest's TDG.VP.VEINFO.GET:
 * TDX Module ABI v1.5, "Virtualization Exception Information" (exit reason, exit qualification, GLA, GPA,
 * instruction length and information, and the valid flag that blocks a second #VE).
 */
final class VeLatch {
    private boolean valid;
    private long exitReason;
    private long qualification;
    private long gla;
    private long gpa;
    private long instructionLength;

    /** Whether information is held that TDG.VP.VEINFO.GET has not yet read: a #VE now would be a #DF. */
    boolean isValid() {
        return valid;
    }

    /** The exit reason held, for the message of a #DF. */
    VeExitReason exitReason() {
        return new VeExitReason(exitReason);
    }

    /** Records a #VE's information; the caller has checked that none is held. */
    void latch(VeExitReason reason, long qualification, long gla, long gpa, int length) {
        this.valid = true;
        this.exitReason = reason.raw();
        this.qualification = qualification;
        this.gla = gla;
        this.gpa = gpa;
        this.instructionLength = length;
    }

    /**
     * TDG.VP.VEINFO.GET's outputs, in place in the register file {@code r} (indexed by GPR number): RCX exit reason,
     * RDX exit qualification, R8 GLA, R9 GPA, R10 instruction length | information &lt;&lt; 32. The information
     * becomes invalid, which unblocks the next #VE. The caller has checked {@link #isValid()}.
     */
    // The instruction information, R10[63:32], is not modelled (see TdxModuleModel#tdgVpVeinfoGet).
    void readInto(long[] r, int rcx, int rdx, int r8, int r9, int r10) {
        r[rcx] = exitReason;
        r[rdx] = qualification;
        r[r8] = gla;
        r[r9] = gpa;
        r[r10] = instructionLength & 0xFFFF_FFFFL;
        valid = false;
    }
}
