package io.github.tdx4j.sim.vmm;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.StopReason;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.qgs.QgsResponder;
import io.github.tdx4j.sim.qgs.QuoteGenerationSocket;
import io.github.tdx4j.sim.quote.QuoteGenerationService;

/**
 * What the host side of the simulated platform offers a {@link Vmm}: the TD's shared memory, the host-side
 * SEAMCALLs that change the Secure EPT, memory attribute conversion, interrupt injection, time, and stopping the TD.
 * Everything a real KVM + QEMU can do to a TD and nothing more: no access to private memory or vCPU state.
 */
public interface Host {
    TdConfig config();

    SimSettings settings();

    /** The shared backing of guest memory. */
    HostMemory memory();

    /** Simulated time in nanoseconds. */
    long nanoTime();

    /** Runs {@code action} when simulated time reaches {@code atNanos} (at once, in order, if already reached). */
    void schedule(long atNanos, Runnable action);

    /**
     * Lets simulated time pass while a vCPU is halted: up to {@code maxNanos}, stopping early at the first scheduled
     * action that runs or when an interrupt is pending for {@code vcpu}.
     */
    void idle(int vcpu, long maxNanos);

    /**
     * Converts whole pages of RAM between private and shared, as QEMU's {@code kvm_convert_memory} does for
     * KVM_HC_MAP_GPA_RANGE: to shared, the private pages are removed from the Secure EPT; to private, the shared
     * backing is discarded and the pages wait, unmapped, to be accepted.
     *
     * @param gpa    page-aligned GPA in RAM (shared bit ignored)
     * @param bytes  page-aligned length, within RAM
     * @param shared the new attribute
     */
    void convert(long gpa, long bytes, boolean shared);

    /** TDH.MEM.PAGE.AUG: maps an unmapped private page (or leaf of {@code level}) as PENDING. */
    void augPrivate(long gpa, PageLevel level);

    /** TDH.MEM.PAGE.DEMOTE: splits the pending or mapped leaf covering {@code gpa} into 4 KiB leaves. */
    void demotePrivate(long gpa);

    /**
     * Posts interrupt {@code vector} (0..255) to {@code vcpu}; the TDX module drops vectors 0..30 (counted as
     * {@code module.interrupt.vector}).
     */
    void injectInterrupt(int vcpu, int vector);

    /** Whether an injected interrupt is still pending (not yet delivered) on {@code vcpu}. */
    boolean hasPendingInterrupt(int vcpu);

    /** Whether {@code report} is a TDREPORT_STRUCT of this platform with a valid MAC (the QE's EVERIFYREPORT2). */
    boolean verifyReport(byte[] report);

    /** The quote generation service of this platform (created on first use; keys derive from the seed). */
    QuoteGenerationService quoteService();

    /**
     * Where the VMM sends GetQuote requests as QGS messages, QEMU's {@code quote-generation-socket}: by default the
     * simulated QGS over {@link #quoteService()}, in-process.
     */
    default QuoteGenerationSocket quoteGenerationSocket() {
        return new QgsResponder(quoteService()).socket();
    }

    /** Appends a byte of console output (the serial port). */
    void console(int b);

    /** Counts a guest request the VMM rejected, under {@code rule} (see {@link io.github.tdx4j.sim.SimCounters}). */
    void violation(String rule);

    /**
     * Holds (or releases) the Secure EPT entry lock of the page at {@code gpa}, as a host SEAMCALL working on that
     * entry does; a TDG.MEM.PAGE.ACCEPT meeting it answers TDX_OPERAND_BUSY(RCX).
     */
    void holdSeptLock(long gpa, boolean held);

    /** Stops the TD; every later entry point throws {@link io.github.tdx4j.sim.TdStopped}. */
    void stop(StopReason reason);
}
