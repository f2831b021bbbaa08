package io.github.tdx4j.sim;

import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.ModuleCallResult;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;

/** Test shorthand for TDCALLs and TDVMCALLs on a simulated TD. */
final class Tdx {
    private Tdx() {
    }

    static ModuleCallResult call(SimulatedTd td, TdcallLeaf leaf, long rcx, long rdx, long r8, long r9) {
        return new TdxCalls(td.transport()).tdcall(leaf, rcx, rdx, r8, r9, 0, 0);
    }

    static long status(SimulatedTd td, TdcallLeaf leaf, long rcx, long rdx, long r8, long r9) {
        return call(td, leaf, rcx, rdx, r8, r9).status().raw();
    }

    static VmcallResult vmcall(SimulatedTd td, TdvmcallSubFunction fn, long r12, long r13, long r14, long r15) {
        return new TdxCalls(td.transport()).tdvmcall(VmcallRequest.standard(fn, r12, r13, r14, r15));
    }

    /** A raw TDG.VP.VMCALL with the given RCX and registers: R10 = 0, R11 = fn. */
    static Registers rawVmcall(SimulatedTd td, long rcx, long fn, long r12, long r13, long r14, long r15) {
        return td.transport().tdcall(new Registers(0, rcx, 0, 0, 0, 0, 0, 0, 0, fn, r12, r13, r14, r15));
    }

    /** MapGPA the range to shared and return the shared alias of {@code gpa}. */
    static long share(SimulatedTd td, long gpa, long bytes) {
        long shared = gpa | td.config().sharedBit();
        VmcallResult r = vmcall(td, TdvmcallSubFunction.MAP_GPA, shared, bytes, 0, 0);
        if (!(r instanceof VmcallResult.Success)) {
            throw new AssertionError("MapGPA failed: " + r);
        }
        return shared;
    }

    static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
