package io.github.tdx4j.guest;

import io.github.tdx4j.abi.TdAttributes;

/**
 * What early boot learned about the TD and set up.
 *
 * @param gpaWidth        GPAW from TDG.VP.INFO RCX[5:0]: 48 or 52
 * @param sharedMask      the shared bit, {@code 1 << (gpaWidth - 1)} (Linux {@code cc_mask})
 * @param attributes      TD attributes from TDG.VP.INFO RDX
 * @param numVcpus        TDG.VP.INFO R8[31:0]
 * @param maxVcpus        TDG.VP.INFO R8[63:32]
 * @param vcpuIndex       TDG.VP.INFO R9[31:0]
 * @param septVeDisabled  EPT violations on pending private pages do not raise #VE (SEPT_VE_DISABLE, or
 *                        TD_CTLS.PENDING_VE_DISABLE set by the guest)
 * @param notifyCleared   TDG.VM.WR of NOTIFY_ENABLES to 0 succeeded
 * @param reduceVe        TD_CTLS.REDUCE_VE was enabled
 * @param enumTopology    TD_CTLS.ENUM_TOPOLOGY was enabled (the fallback when REDUCE_VE is refused)
 */
public record TdInfo(int gpaWidth, long sharedMask, TdAttributes attributes, int numVcpus, int maxVcpus,
                     int vcpuIndex, boolean septVeDisabled, boolean notifyCleared, boolean reduceVe,
                     boolean enumTopology) {
}
