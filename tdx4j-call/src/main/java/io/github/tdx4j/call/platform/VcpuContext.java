package io.github.tdx4j.call.platform;

import io.github.tdx4j.abi.Gpr;

/**
 * The interrupted context a #VE handler works on: the vCPU's register file and RIP at the faulting
 * instruction, its privilege level and interrupt flag, and instruction fetch.
 *
 * <p>The handler reads the operands here, performs the instruction's effect through TDVMCALLs, writes results
 * back here and advances RIP. All 16 GPRs are the <em>guest's</em> registers, distinct from the registers that
 * cross the TDCALL seam.
 */
public interface VcpuContext {
    /** The full 64-bit value of {@code gpr}. */
    long get(Gpr gpr);

    void set(Gpr gpr, long value);

    long rip();

    void setRip(long rip);

    /** CPL 3: the #VE came from user mode. */
    boolean userMode();

    /** RFLAGS.IF: interrupts were enabled when the #VE was taken. */
    boolean interruptsEnabled();

    /**
     * Fetches up to {@code dst.length} instruction bytes at linear address {@code address}, stopping at the first
     * byte that cannot be read (Linux {@code copy_from_kernel_nofault}).
     *
     * @return the number of bytes fetched
     */
    int fetch(long address, byte[] dst);
}
