package io.github.tdx4j.sim;

import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxTransport;
import java.util.Objects;

/**
 * The simulator's {@link TdxTransport}: the TDCALL instruction of one vCPU, executed by the simulated TDX module
 * ({@link TdxModuleModel#tdcall}) on a register file of its own, so Java guest services and x86 code can share a
 * vCPU. RSP and RBP do not cross the seam and read as zero to the module.
 */
final class TdcallSeam implements TdxTransport {
    private final SimulatedTd td;
    private final Vcpu vcpu;
    /** The module works in place on a 16-entry file indexed by GPR number; reused across calls under the lock. */
    private final long[] file = new long[16];

    TdcallSeam(SimulatedTd td, Vcpu vcpu) {
        this.td = td;
        this.vcpu = vcpu;
    }

    @Override
    public Registers tdcall(Registers in) {
        Objects.requireNonNull(in, "in");
        synchronized (td.lock) {
            td.ensureRunning();
            long[] s = file;
            s[0] = in.rax();
            s[1] = in.rcx();
            s[2] = in.rdx();
            s[3] = in.rbx();
            s[4] = 0;
            s[5] = 0;
            s[6] = in.rsi();
            s[7] = in.rdi();
            s[8] = in.r8();
            s[9] = in.r9();
            s[10] = in.r10();
            s[11] = in.r11();
            s[12] = in.r12();
            s[13] = in.r13();
            s[14] = in.r14();
            s[15] = in.r15();
            td.module.tdcall(vcpu, s);
            return new Registers(s[0], s[1], s[2], s[3], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], s[14],
                    s[15]);
        }
    }
}
