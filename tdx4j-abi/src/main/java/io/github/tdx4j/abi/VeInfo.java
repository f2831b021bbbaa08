package io.github.tdx4j.abi;

/**
 * The #VE information returned by TDG.VP.VEINFO.GET.
 *
 * <p>TDX Module ABI v1.5, "TDG.VP.VEINFO.GET Leaf": RCX exit reason, RDX exit qualification, R8 guest linear
 * address, R9 guest physical address, R10[31:0] instruction length, R10[63:32] instruction information. Linux
 * {@code struct ve_info}. The instruction length is architecturally undefined for EPT violations.
 *
 * @param exitReason      RCX
 * @param exitQualification RDX
 * @param gla             R8
 * @param gpa             R9
 * @param instructionLength R10[31:0]
 * @param instructionInfo R10[63:32]
 */
public record VeInfo(VeExitReason exitReason, long exitQualification, long gla, long gpa, int instructionLength,
                     int instructionInfo) {
    /** Decodes the output registers of TDG.VP.VEINFO.GET. */
    public static VeInfo ofRegisters(long rcx, long rdx, long r8, long r9, long r10) {
        return new VeInfo(new VeExitReason(rcx), rdx, r8, r9, (int) r10, (int) (r10 >>> 32));
    }

    /** R10 as the module writes it: instruction information in the high half, length in the low half. */
    public long r10() {
        return ((long) instructionInfo << 32) | (instructionLength & 0xFFFF_FFFFL);
    }
}
