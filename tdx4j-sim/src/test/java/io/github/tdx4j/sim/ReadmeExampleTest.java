package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.ModuleCallResult;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.platform.VeOutcome;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The runnable example of README.md, kept here so that it keeps running. */
class ReadmeExampleTest {
    @Test
    @DisplayName("The README example runs: TDG.VP.INFO, a CPUID TDVMCALL, and OUT to the UART through a #VE handler")
    void example() {
        SimulatedTd td = SimulatedTd.boot();                     // production TD, strict, honest KVM + QEMU
        TdxCalls calls = new TdxCalls(td.transport());           // the TDCALL seam of vCPU 0

        ModuleCallResult info = calls.tdcallOrPanic(TdcallLeaf.TDG_VP_INFO, 0, 0, 0, 0, 0, 0);
        long sharedBit = 1L << (info.rcx() - 1);                 // GPAW 48: bit 47

        VmcallResult kvm = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_CPUID,
                0x4000_0000L, 0, 0, 0));                         // R13..R15 = "KVMKVMKVM"

        // A minimal #VE handler: read the #VE information, perform OUT with TDVMCALL<Instruction.IO>, skip it.
        td.setVeHandler(ctx -> {
            ModuleCallResult ve = calls.tdcallOrPanic(TdcallLeaf.TDG_VP_VEINFO_GET, 0, 0, 0, 0, 0, 0);
            IoExitQualification q = new IoExitQualification(ve.rdx());
            calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_IO, q.size(), 1, q.port(),
                    ctx.get(Gpr.RAX) & 0xFF));
            ctx.setRip(ctx.rip() + (int) ve.r10());
            return VeOutcome.HANDLED;
        });
        td.vcpu().set(Gpr.RDX, 0x3F8);                           // COM1
        for (char c : "hello\n".toCharArray()) {
            td.vcpu().set(Gpr.RAX, c);
            td.vcpu().execute(0x20_0000, new byte[] {(byte) 0xEE});  // out dx, al
        }

        assertThat(sharedBit).isEqualTo(1L << 47);
        assertThat(kvm.out(Gpr.R13)).isEqualTo(0x4B4D_564BL);
        assertThat(td.console()).isEqualTo("hello\n");
        assertThat(td.counters().tdvmcalls(TdvmcallSubFunction.INSTRUCTION_IO)).isEqualTo(6);
    }
}
