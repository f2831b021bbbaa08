package io.github.tdx4j.guest.ve;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxIdentity;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.abi.VeInfo;
import io.github.tdx4j.call.ModuleCallResult;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPanic;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.VcpuContext;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.platform.VeOutcome;
import io.github.tdx4j.call.policy.FailureHandler;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.guest.io.PortIoRequests;
import io.github.tdx4j.guest.io.PortSize;
import java.util.Objects;

/**
 * The guest's virtualization-exception handler: Linux {@code exc_virtualization_exception} →
 * {@code tdx_handle_virt_exception} (arch/x86/coco/tdx/tdx.c) with the 2023–2026 fixes.
 *
 * <p>First TDG.VP.VEINFO.GET (a failure is a {@link io.github.tdx4j.call.TdxModuleFault}: the kernel panics,
 * "Buggy TDX module!"), then dispatch on the exit reason. User mode handles CPUID only; kernel mode handles HLT,
 * port I/O, MMIO (EPT violation on a shared GPA), CPUID, RDMSR and WRMSR. Every outcome is typed:
 * <ul>
 *   <li>{@link VeOutcome.Handled}: the instruction's effect is done and RIP advanced past it;</li>
 *   <li>{@link VeOutcome.Fault}: the kernel's {@code ve_raise_fault} (SIGSEGV in user mode, an oops or an
 *       exception-table fixup in kernel mode), RIP unchanged, the failure reported to the {@link FailureHandler}
 *       with its origin;</li>
 *   <li>a {@link TdxPanic} thrown: an EPT violation on private memory, or a TDX-module failure.</li>
 * </ul>
 * Each #VE is recorded as a {@link TraceEvent.Ve}, before the calls made to handle it.
 */
public final class TdxVeHandler implements VeHandler {
    /** The exit reason recorded when TDG.VP.VEINFO.GET itself failed and the real one is unknown. */
    public static final VeExitReason UNKNOWN_REASON = new VeExitReason(-1);

    private final TdxCalls calls;
    private final FailureHandler failures;
    private final VeTrace trace;
    private final long sharedMask;
    private final boolean septVeDisabled;

    /**
     * @param calls          the call layer
     * @param failures       where failures are reported
     * @param trace          where #VE events go, or null for none
     * @param sharedMask     the shared bit of a GPA (bit GPAW-1, from TDG.VP.INFO)
     * @param septVeDisabled whether EPT violations on pending private pages cannot raise #VE (SEPT_VE_DISABLE or
     *                       TD_CTLS.PENDING_VE_DISABLE); decides whose fault a private-memory #VE is
     */
    public TdxVeHandler(TdxCalls calls, FailureHandler failures, VeTrace trace, long sharedMask,
                        boolean septVeDisabled) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.trace = trace;
        if (Long.bitCount(sharedMask) != 1) {
            throw new IllegalArgumentException("the shared bit is one bit: 0x" + Long.toHexString(sharedMask));
        }
        this.sharedMask = sharedMask;
        this.septVeDisabled = septVeDisabled;
    }

    @Override
    public VeOutcome handle(VcpuContext ctx) {
        if (trace != null) {
            trace.begin();
        }
        long rip = ctx.rip();
        VeExitReason reason = UNKNOWN_REASON;
        try {
            // TDX Module ABI v1.5, "TDG.VP.VEINFO.GET Leaf": no legitimate reason to fail once a #VE was taken.
            ModuleCallResult r = calls.tdcallOrPanic(TdcallLeaf.TDG_VP_VEINFO_GET, 0, 0, 0, 0, 0, 0);
            VeInfo ve = VeInfo.ofRegisters(r.rcx(), r.rdx(), r.r8(), r.r9(), r.r10());
            reason = ve.exitReason();
            VeOutcome outcome = badInstructionLength(ve);
            if (outcome == null) {
                outcome = ctx.userMode() ? userMode(ctx, ve) : kernelMode(ctx, ve);
            }
            switch (outcome) {
                case VeOutcome.Fault f -> record(reason, rip, "fault: " + f.failure().site(), f.failure().origin());
                case VeOutcome.Handled _ -> record(reason, rip, "handled, RIP +" + (ctx.rip() - rip), null);
            }
            return outcome;
        } catch (TdxPanic p) {
            record(reason, rip, "fatal: " + p.failure().site(), p.origin());
            throw p;
        } catch (RuntimeException | Error e) {
            record(reason, rip, "aborted: " + e.getClass().getSimpleName(), null);
            throw e;
        }
    }

    private void record(VeExitReason reason, long rip, String outcome, Origin origin) {
        if (trace != null) {
            trace.end(new TraceEvent.Ve(reason, rip, outcome, origin));
        }
    }

    /** Linux {@code virt_exception_user}: only CPUID may be emulated for user mode. */
    private VeOutcome userMode(VcpuContext ctx, VeInfo ve) {
        if (ve.exitReason().equals(VeExitReason.CPUID)) {
            return cpuid(ctx, ve);
        }
        if (ve.exitReason().equals(VeExitReason.EPT_VIOLATION)) {
            return fault(TdxFailure.of(Origin.GUEST_BUG, "tdx.ve.mmio.user-mode",
                    "MMIO from user mode is not supported (GPA 0x" + Long.toHexString(ve.gpa()) + ")"));
        }
        return fault(TdxFailure.of(Origin.GUEST_BUG, "tdx.ve.unexpected-user",
                "Unexpected #VE in user mode: " + ve.exitReason()));
    }

    /** Linux {@code virt_exception_kernel}. */
    private VeOutcome kernelMode(VcpuContext ctx, VeInfo ve) {
        VeExitReason reason = ve.exitReason();
        if (reason.equals(VeExitReason.HLT)) {
            return halt(ctx, ve);
        }
        if (reason.equals(VeExitReason.MSR_READ)) {
            return rdmsr(ctx, ve);
        }
        if (reason.equals(VeExitReason.MSR_WRITE)) {
            return wrmsr(ctx, ve);
        }
        if (reason.equals(VeExitReason.CPUID)) {
            return cpuid(ctx, ve);
        }
        if (reason.equals(VeExitReason.EPT_VIOLATION)) {
            return mmio(ctx, ve);
        }
        if (reason.equals(VeExitReason.IO_INSTRUCTION)) {
            return io(ctx, ve);
        }
        // MONITOR, MWAIT, WBINVD, INVD, VMCALL and anything new: the kernel's pr_warn("Unexpected #VE") and -EIO.
        return fault(TdxFailure.of(Origin.GUEST_BUG, "tdx.ve.unexpected", "Unexpected #VE: " + reason));
    }

    /**
     * HLT: TDG.VP.VMCALL&lt;Instruction.HLT&gt; with R12 = 1 (interrupts disabled), so the VMM keeps the vCPU halted
     * even if an interrupt is pending. HLT with interrupts enabled is refused (Linux v6.15, "HLT emulation with
     * IRQs enabled"): an interrupt meant to wake the vCPU could be consumed before the TDVMCALL, and the vCPU would
     * sleep for ever.
     */
    private VeOutcome halt(VcpuContext ctx, VeInfo ve) {
        if (ctx.interruptsEnabled()) {
            return fault(TdxFailure.of(Origin.GUEST_BUG, "tdx.ve.hlt.irqs-enabled",
                    "HLT emulation with interrupts enabled is unsafe (a wake-up could be lost)"));
        }
        VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_HLT, 1, 0, 0, 0));
        if (!(r instanceof VmcallResult.Success)) {
            return vmmFault("tdx.ve.hlt.vmm-error", "Instruction.HLT", r);
        }
        return advance(ctx, ve);
    }

    /** RDMSR: R12 = ECX; R11 = EDX:EAX, each half zero-extended into RAX and RDX as the instruction does. */
    private VeOutcome rdmsr(VcpuContext ctx, VeInfo ve) {
        long ecx = ctx.get(Gpr.RCX) & 0xFFFF_FFFFL;
        VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_RDMSR, ecx, 0, 0, 0));
        if (!(r instanceof VmcallResult.Success)) {
            return vmmFault("tdx.ve.rdmsr.vmm-error", "Instruction.RDMSR of MSR 0x" + Long.toHexString(ecx), r);
        }
        long value = r.out(Gpr.R11);
        ctx.set(Gpr.RAX, value & 0xFFFF_FFFFL);
        ctx.set(Gpr.RDX, value >>> 32);
        return advance(ctx, ve);
    }

    /** WRMSR: R12 = ECX, R13 = EDX:EAX (the low halves of RDX and RAX). */
    private VeOutcome wrmsr(VcpuContext ctx, VeInfo ve) {
        long ecx = ctx.get(Gpr.RCX) & 0xFFFF_FFFFL;
        long value = (ctx.get(Gpr.RDX) << 32) | (ctx.get(Gpr.RAX) & 0xFFFF_FFFFL);
        VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_WRMSR, ecx, value,
                0, 0));
        if (!(r instanceof VmcallResult.Success)) {
            return vmmFault("tdx.ve.wrmsr.vmm-error", "Instruction.WRMSR of MSR 0x" + Long.toHexString(ecx), r);
        }
        return advance(ctx, ve);
    }

    /**
     * CPUID: only the hypervisor range 0x40000000–0x4FFFFFFF is the VMM's to answer (R12 = EAX, R13 = ECX; R12..R15
     * = EAX, EBX, ECX, EDX). Any other leaf that reaches the handler reads as all zeros with no TDVMCALL, as the CPU
     * does for an unsupported leaf: the VMM must not be able to fake the features the TDX module vouches for.
     * Results are 32-bit register writes, so RAX, RBX, RCX and RDX are zero-extended.
     */
    private VeOutcome cpuid(VcpuContext ctx, VeInfo ve) {
        long eax = ctx.get(Gpr.RAX) & 0xFFFF_FFFFL;
        long ecx = ctx.get(Gpr.RCX) & 0xFFFF_FFFFL;
        if (eax < TdxIdentity.CPUID_HYPERVISOR_FIRST || eax > TdxIdentity.CPUID_HYPERVISOR_LAST) {
            ctx.set(Gpr.RAX, 0);
            ctx.set(Gpr.RBX, 0);
            ctx.set(Gpr.RCX, 0);
            ctx.set(Gpr.RDX, 0);
            return advance(ctx, ve);
        }
        VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_CPUID, eax, ecx, 0, 0));
        if (!(r instanceof VmcallResult.Success)) {
            return vmmFault("tdx.ve.cpuid.vmm-error", "Instruction.CPUID of leaf 0x" + Long.toHexString(eax), r);
        }
        ctx.set(Gpr.RAX, r.out(Gpr.R12) & 0xFFFF_FFFFL);
        ctx.set(Gpr.RBX, r.out(Gpr.R13) & 0xFFFF_FFFFL);
        ctx.set(Gpr.RCX, r.out(Gpr.R14) & 0xFFFF_FFFFL);
        ctx.set(Gpr.RDX, r.out(Gpr.R15) & 0xFFFF_FFFFL);
        return advance(ctx, ve);
    }

    /**
     * Port I/O from the exit qualification (Intel SDM Vol. 3C, "Exit Qualification for I/O Instructions"). IN
     * assigns R11 to RAX by {@link PortSize#assign}; on a VMM error the access-size bits of RAX are cleared (Linux
     * {@code handle_in}) and the #VE becomes a fault. String I/O (INS/OUTS) is not emulated.
     */
    private VeOutcome io(VcpuContext ctx, VeInfo ve) {
        IoExitQualification q = new IoExitQualification(ve.exitQualification());
        if (q.string()) {
            return fault(TdxFailure.of(Origin.GUEST_BUG, "tdx.ve.io.string",
                    "string I/O is not emulated: " + q));
        }
        PortSize size = PortSize.ofBytes(q.size());
        if (size == null) {
            return fault(TdxFailure.of(Origin.TDX_MODULE, "tdx.ve.io.size",
                    "exit qualification 0x" + Long.toHexString(q.raw()) + " has no valid I/O size"));
        }
        if (q.in()) {
            VmcallResult r = calls.tdvmcall(PortIoRequests.in(size, q.port()));
            long rax = ctx.get(Gpr.RAX);
            if (!(r instanceof VmcallResult.Success)) {
                ctx.set(Gpr.RAX, size.assign(rax, 0));
                return vmmFault("tdx.ve.io.vmm-error", "Instruction.IO " + q, r);
            }
            ctx.set(Gpr.RAX, size.assign(rax, r.out(Gpr.R11)));
        } else {
            VmcallResult r = calls.tdvmcall(PortIoRequests.out(size, q.port(), ctx.get(Gpr.RAX)));
            if (!(r instanceof VmcallResult.Success)) {
                return vmmFault("tdx.ve.io.vmm-error", "Instruction.IO " + q, r);
            }
        }
        return advance(ctx, ve);
    }

    /**
     * MMIO: an EPT violation on a shared GPA (Linux {@code handle_mmio}). An EPT violation on a <em>private</em>
     * GPA is fatal ("Unexpected EPT-violation on private memory."). Otherwise the instruction at RIP is fetched and
     * decoded by {@link MmioDecoder}, an access crossing a page boundary is refused (the fault lets
     * {@code load_unaligned_zeropad()} recover through its fixup), and the access goes to the VMM through
     * TDG.VP.VMCALL&lt;#VE.RequestMMIO&gt; (R12 = size, R13 = 0 read / 1 write, R14 = GPA, R15 = value). A read sends
     * R15 = 0: until 2024 Linux sent an uninitialised stack variable there ("x86/tdx: Fix data leak in
     * mmio_read()"). RIP advances by the decoded length: the #VE's instruction length is undefined for EPT
     * violations (edk2 bug 9259 advanced by it).
     */
    private VeOutcome mmio(VcpuContext ctx, VeInfo ve) {
        long gpa = ve.gpa();
        if ((gpa & sharedMask) == 0) {
            // With SEPT_VE_DISABLE the TDX module must never deliver this #VE; without it (a debug TD), the guest
            // touched memory it never accepted, or the VMM removed a page under it. Either way the TD's memory is no
            // longer what it accepted.
            Origin origin = septVeDisabled ? Origin.TDX_MODULE : Origin.GUEST_BUG;
            throw failures.fatal(TdxFailure.sensitive(origin, "tdx.ve.mmio.private-gpa",
                    "Unexpected EPT-violation on private memory: GPA 0x" + Long.toHexString(gpa)));
        }
        byte[] code = new byte[MmioDecoder.MAX_INSN_SIZE];
        int fetched = ctx.fetch(ctx.rip(), code);
        MmioInstruction insn;
        switch (MmioDecoder.decode(code, fetched)) {
            case MmioDecoder.Decoded d -> insn = d.instruction();
            case MmioDecoder.Undecodable u -> {
                return fault(TdxFailure.of(Origin.GUEST_BUG, "tdx.ve.mmio.decode",
                        "cannot emulate MMIO instruction at RIP 0x" + Long.toHexString(ctx.rip()) + ": "
                                + u.reason()));
            }
        }
        int size = insn.access().bytes();
        long offset = gpa & (GuestMemory.PAGE_SIZE - 1);
        if (offset + size > GuestMemory.PAGE_SIZE) {
            return fault(TdxFailure.of(Origin.GUEST_BUG, "tdx.ve.mmio.page-cross",
                    size + "-byte MMIO access at GPA 0x" + Long.toHexString(gpa) + " crosses a page boundary"));
        }
        if (insn.kind().isRead()) {
            VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.VE_REQUEST_MMIO, size, 0, gpa,
                    0));
            if (!(r instanceof VmcallResult.Success)) {
                return vmmFault("tdx.ve.mmio.vmm-error", "#VE.RequestMMIO read of GPA 0x" + Long.toHexString(gpa), r);
            }
            Gpr reg = insn.register();
            ctx.set(reg, insn.loadResult(ctx.get(reg), r.out(Gpr.R11)));
        } else {
            long value = insn.storeValue(ctx::get);
            VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.VE_REQUEST_MMIO, size, 1, gpa,
                    value));
            if (!(r instanceof VmcallResult.Success)) {
                return vmmFault("tdx.ve.mmio.vmm-error", "#VE.RequestMMIO write of GPA 0x" + Long.toHexString(gpa),
                        r);
            }
        }
        ctx.setRip(ctx.rip() + insn.length());
        return VeOutcome.HANDLED;
    }

    /**
     * For the instruction exit reasons RIP advances by the #VE's instruction length (Linux {@code ve_instr_len}),
     * which the TDX module reports. A value outside 1..15 is a module bug: the #VE becomes a fault before anything
     * is sent to the VMM, rather than a jump to a wrong RIP. Null when the length is fine or not used (EPT
     * violations, whose length is undefined, and reasons the handler does not emulate).
     */
    private VeOutcome badInstructionLength(VeInfo ve) {
        VeExitReason r = ve.exitReason();
        boolean usesLength = r.equals(VeExitReason.HLT) || r.equals(VeExitReason.MSR_READ)
                || r.equals(VeExitReason.MSR_WRITE) || r.equals(VeExitReason.CPUID)
                || r.equals(VeExitReason.IO_INSTRUCTION);
        int length = ve.instructionLength();
        if (usesLength && (length < 1 || length > MmioDecoder.MAX_INSN_SIZE)) {
            return fault(TdxFailure.of(Origin.TDX_MODULE, "tdx.ve.instruction-length",
                    "TDG.VP.VEINFO.GET reported instruction length " + length + " for " + r));
        }
        return null;
    }

    /** RIP += the #VE's instruction length (checked by {@link #badInstructionLength}). */
    private static VeOutcome advance(VcpuContext ctx, VeInfo ve) {
        ctx.setRip(ctx.rip() + ve.instructionLength());
        return VeOutcome.HANDLED;
    }

    private VeOutcome vmmFault(String site, String what, VmcallResult r) {
        return fault(new TdxFailure(Origin.VMM, site, Sensitivity.ORDINARY, what + " failed: " + r.status()));
    }

    private VeOutcome fault(TdxFailure failure) {
        failures.report(failure);
        return new VeOutcome.Fault(failure);
    }
}
