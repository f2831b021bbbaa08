package io.github.tdx4j.sim;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.abi.VeInfo;
import io.github.tdx4j.call.ModuleCallResult;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.platform.VcpuContext;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.platform.VeOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * A small #VE handler in the manner of Linux {@code tdx_handle_virt_exception}, for tests of the platform (the real
 * one is the guest services' job): VEINFO.GET first, then IO, HLT, CPUID, RDMSR/WRMSR and MMIO for
 * {@code mov r, [base]} / {@code mov [base], r} (opcodes 8B/89 with a ModR/M of mod 0 and no SIB).
 */
final class TestVeHandler implements VeHandler {
    final List<VeInfo> seen = new ArrayList<>();
    private final TdxCalls calls;
    boolean readVeInfo = true;

    TestVeHandler(SimulatedTd td) {
        this.calls = new TdxCalls(td.transport());
    }

    @Override
    public VeOutcome handle(VcpuContext ctx) {
        if (!readVeInfo) {
            return VeOutcome.HANDLED;
        }
        ModuleCallResult r = calls.tdcallOrPanic(TdcallLeaf.TDG_VP_VEINFO_GET, 0, 0, 0, 0, 0, 0);
        VeInfo ve = VeInfo.ofRegisters(r.rcx(), r.rdx(), r.r8(), r.r9(), r.r10());
        seen.add(ve);
        long reason = ve.exitReason().raw();
        if (reason == VeExitReason.IO_INSTRUCTION.raw()) {
            return io(ctx, ve);
        }
        if (reason == VeExitReason.HLT.raw()) {
            return vmm(ctx, ve, TdvmcallSubFunction.INSTRUCTION_HLT, ctx.interruptsEnabled() ? 0 : 1, 0, 0, 0);
        }
        if (reason == VeExitReason.CPUID.raw()) {
            VmcallResult res = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_CPUID,
                    ctx.get(Gpr.RAX) & 0xFFFF_FFFFL, ctx.get(Gpr.RCX) & 0xFFFF_FFFFL, 0, 0));
            if (!(res instanceof VmcallResult.Success)) {
                return fault("CPUID " + res.status());
            }
            ctx.set(Gpr.RAX, res.out(Gpr.R12));
            ctx.set(Gpr.RBX, res.out(Gpr.R13));
            ctx.set(Gpr.RCX, res.out(Gpr.R14));
            ctx.set(Gpr.RDX, res.out(Gpr.R15));
            ctx.setRip(ctx.rip() + ve.instructionLength());
            return VeOutcome.HANDLED;
        }
        if (reason == VeExitReason.MSR_READ.raw()) {
            VmcallResult res = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_RDMSR,
                    ctx.get(Gpr.RCX) & 0xFFFF_FFFFL, 0, 0, 0));
            if (!(res instanceof VmcallResult.Success)) {
                return fault("RDMSR " + res.status());
            }
            ctx.set(Gpr.RAX, res.out(Gpr.R11) & 0xFFFF_FFFFL);
            ctx.set(Gpr.RDX, res.out(Gpr.R11) >>> 32);
            ctx.setRip(ctx.rip() + ve.instructionLength());
            return VeOutcome.HANDLED;
        }
        if (reason == VeExitReason.MSR_WRITE.raw()) {
            return vmm(ctx, ve, TdvmcallSubFunction.INSTRUCTION_WRMSR, ctx.get(Gpr.RCX) & 0xFFFF_FFFFL,
                    (ctx.get(Gpr.RDX) << 32) | (ctx.get(Gpr.RAX) & 0xFFFF_FFFFL), 0, 0);
        }
        if (reason == VeExitReason.EPT_VIOLATION.raw()) {
            return mmio(ctx, ve);
        }
        return fault("Unexpected #VE: " + ve.exitReason());
    }

    private VeOutcome vmm(VcpuContext ctx, VeInfo ve, TdvmcallSubFunction fn, long r12, long r13, long r14,
                          long r15) {
        VmcallResult res = calls.tdvmcall(VmcallRequest.standard(fn, r12, r13, r14, r15));
        if (!(res instanceof VmcallResult.Success)) {
            return fault(fn + " " + res.status());
        }
        ctx.setRip(ctx.rip() + ve.instructionLength());
        return VeOutcome.HANDLED;
    }

    private VeOutcome io(VcpuContext ctx, VeInfo ve) {
        IoExitQualification q = new IoExitQualification(ve.exitQualification());
        if (q.string()) {
            return fault("string I/O");
        }
        long mask = (1L << (8 * q.size())) - 1;
        if (q.in()) {
            VmcallResult res = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_IO, q.size(), 0,
                    q.port(), 0));
            if (!(res instanceof VmcallResult.Success)) {
                return fault("IN " + res.status());
            }
            ctx.set(Gpr.RAX, (ctx.get(Gpr.RAX) & ~mask) | (res.out(Gpr.R11) & mask));
        } else {
            VmcallResult res = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_IO, q.size(), 1,
                    q.port(), ctx.get(Gpr.RAX) & mask));
            if (!(res instanceof VmcallResult.Success)) {
                return fault("OUT " + res.status());
            }
        }
        ctx.setRip(ctx.rip() + ve.instructionLength());
        return VeOutcome.HANDLED;
    }

    private VeOutcome mmio(VcpuContext ctx, VeInfo ve) {
        byte[] insn = new byte[15];
        int n = ctx.fetch(ctx.rip(), insn);
        int i = 0;
        boolean rexW = false;
        int rexR = 0;
        if (n > 0 && (insn[0] & 0xF0) == 0x40) {
            rexW = (insn[0] & 8) != 0;
            rexR = (insn[0] & 4) << 1;
            i++;
        }
        int op = insn[i++] & 0xFF;
        int modrm = insn[i++] & 0xFF;
        if ((op != 0x8B && op != 0x89) || (modrm >> 6) != 0 || (modrm & 7) == 4 || (modrm & 7) == 5) {
            return fault("MMIO decode");
        }
        int size = rexW ? 8 : 4;
        Gpr reg = Gpr.ofNumber(((modrm >> 3) & 7) | rexR);
        if (op == 0x8B) {
            VmcallResult res = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.VE_REQUEST_MMIO, size, 0,
                    ve.gpa(), 0));
            if (!(res instanceof VmcallResult.Success)) {
                return fault("MMIO read " + res.status());
            }
            ctx.set(reg, size == 8 ? res.out(Gpr.R11) : res.out(Gpr.R11) & 0xFFFF_FFFFL);
        } else {
            long v = size == 8 ? ctx.get(reg) : ctx.get(reg) & 0xFFFF_FFFFL;
            VmcallResult res = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.VE_REQUEST_MMIO, size, 1,
                    ve.gpa(), v));
            if (!(res instanceof VmcallResult.Success)) {
                return fault("MMIO write " + res.status());
            }
        }
        ctx.setRip(ctx.rip() + i);
        return VeOutcome.HANDLED;
    }

    private static VeOutcome fault(String what) {
        return new VeOutcome.Fault(TdxFailure.of(Origin.VMM, "test.ve", what));
    }
}
