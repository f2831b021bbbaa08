package io.github.tdx4j.sim.vmm;

import io.github.tdx4j.abi.PageLevel;

/**
 * The host VMM as the simulated TDX module sees it: the party that answers every TD exit. The honest model is
 * {@link HonestVmm} (KVM + QEMU); a hostile one (a fault tape deciding every host-to-guest value) implements the
 * same interface, which is why nothing in the module or the vCPU assumes honesty: whatever the VMM writes is
 * filtered by the module exactly as the TDX module filters it.
 *
 * <p>Called with the TD's lock held, on the thread that runs the TD. Create one per TD through a
 * {@link VmmFactory}, which receives the {@link Host} it acts on.
 */
public interface Vmm {
    /**
     * TDG.VP.VMCALL exited to the VMM. Read the exposed registers from {@code exit}, write the answer (R10 status,
     * outputs) into it. Writes to registers the guest did not expose are dropped by the module.
     */
    void tdvmcall(VmcallExit exit);

    /**
     * An EPT violation on a private GPA the Secure EPT does not map (from TDG.MEM.PAGE.ACCEPT, or a guest access to
     * an unaccepted page): the host may map it with {@link Host#augPrivate}, or split a larger pending leaf with
     * {@link Host#demotePrivate}, and re-enter the TD.
     *
     * @param gpa         the private GPA (4 KiB aligned)
     * @param acceptLevel the page size the guest asked for, for an ACCEPT; null for a plain access
     * @return whether the host changed the Secure EPT; false leaves the guest stuck, which stops the TD
     */
    boolean onPrivateEptViolation(long gpa, PageLevel acceptLevel);
}
