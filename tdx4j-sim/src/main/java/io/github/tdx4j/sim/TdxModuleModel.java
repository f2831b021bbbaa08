package io.github.tdx4j.sim;

import io.github.tdx4j.abi.GprSelect;
import io.github.tdx4j.abi.OperandId;
import io.github.tdx4j.abi.PageAcceptRcx;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcallRax;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdxStatus;

/**
 * The simulated TDX module: the TDCALL dispatcher and every guest-side leaf, working in place on a vCPU's 16-entry
 * register file (indexed by GPR number) exactly as the module works on the TD's saved GPR state.
 *
 * <p>Reference: TDX Module ABI v1.5 ("TDCALL Instruction (Common)" and each leaf's section) and the behaviour of
 * intel/tdx-module tag TDX_1.5.01 ({@code src/td_dispatcher/tdx_td_dispatcher.c}, {@code vm_exits/tdg_vp_vmcall.c},
 * {@code td_transitions/tdg_*.c}). Statuses carry the operand id as the module's {@code api_error_with_operand_id}.
 * The module never throws for a guest error: it reports it in RAX and counts it as a violation. It throws only
 * {@link TdStopped}, when the TD cannot continue.
 */
final class TdxModuleModel {
    private static final int RAX = 0;
    private static final int RCX = 1;
    private static final int RDX = 2;
    private static final int R8 = 8;
    private static final int R9 = 9;
    private static final int R10 = 10;
    private static final int R11 = 11;

    private static final long OPERAND_INVALID = TdxStatus.OPERAND_INVALID.raw();

    /** TDG.VP.CPUIDVE.SET RCX: bit 0 supervisor, bit 1 user; the rest reserved. */
    private static final long CPUIDVE_RESERVED = ~3L;

    /** One guest-side leaf of the module, working in place on the register file; returns the status for RAX. */
    @FunctionalInterface
    private interface LeafHandler {
        long handle(Vcpu v, long[] r, int version);
    }

    private final SimulatedTd td;
    /** The TD-scope metadata fields the guest reads and writes with TDG.VM.RD / TDG.VM.WR. */
    private final TdcsMetadata tdcs;

    /** The handler of each leaf, indexed by leaf number; null for a number the ABI does not name. */
    private final LeafHandler[] handlers = new LeafHandler[TdcallLeaf.TDG_VP_INVVPID.number() + 1];

    TdxModuleModel(SimulatedTd td) {
        this.td = td;
        this.tdcs = new TdcsMetadata(td.config, this::violation);
        on(TdcallLeaf.TDG_VP_VMCALL, (v, r, version) -> tdgVpVmcall(v, r));
        on(TdcallLeaf.TDG_VP_INFO, (v, r, version) -> tdgVpInfo(v, r));
        on(TdcallLeaf.TDG_MR_RTMR_EXTEND, (v, r, version) -> tdgMrRtmrExtend(r));
        on(TdcallLeaf.TDG_VP_VEINFO_GET, (v, r, version) -> tdgVpVeinfoGet(v, r));
        on(TdcallLeaf.TDG_MR_REPORT, (v, r, version) -> tdgMrReport(r));
        on(TdcallLeaf.TDG_VP_CPUIDVE_SET, (v, r, version) -> tdgVpCpuidveSet(v, r));
        on(TdcallLeaf.TDG_MEM_PAGE_ACCEPT, (v, r, version) -> tdgMemPageAccept(r));
        on(TdcallLeaf.TDG_VM_RD, (v, r, version) -> tdcs.tdgVmRd(r, version));
        on(TdcallLeaf.TDG_VM_WR, (v, r, version) -> tdcs.tdgVmWr(r));
        on(TdcallLeaf.TDG_MR_VERIFYREPORT, (v, r, version) -> tdgMrVerifyreport(r));
        // Deviation: the leaves the guest OS does not use are not modelled and answer TDX_OPERAND_INVALID(RAX), as
        // an unknown leaf does. TDX Module ABI v1.5, each leaf's section.
        for (TdcallLeaf unmodelled : new TdcallLeaf[] {TdcallLeaf.TDG_VP_RD, TdcallLeaf.TDG_VP_WR,
                TdcallLeaf.TDG_SYS_RD, TdcallLeaf.TDG_SYS_RDALL, TdcallLeaf.TDG_SERVTD_RD, TdcallLeaf.TDG_SERVTD_WR,
                TdcallLeaf.TDG_MEM_PAGE_ATTR_RD, TdcallLeaf.TDG_MEM_PAGE_ATTR_WR, TdcallLeaf.TDG_VP_ENTER,
                TdcallLeaf.TDG_VP_INVEPT, TdcallLeaf.TDG_VP_INVVPID}) {
            on(unmodelled, (v, r, version) -> violation("module.tdcall.unmodelled-leaf",
                    OPERAND_INVALID | OperandId.RAX.id()));
        }
    }

    private void on(TdcallLeaf leaf, LeafHandler handler) {
        handlers[leaf.number()] = handler;
    }

    /**
     * Executes TDCALL for vCPU {@code v} on register file {@code r}, in place. TDX Module ABI v1.5, "TDCALL
     * Instruction (Common)": RAX[15:0] leaf, RAX[23:16] version, RAX[63:24] reserved; an unknown leaf, a version
     * other than 0 (1 for TDG.VM.RD) or a reserved bit gives TDX_OPERAND_INVALID with operand RAX.
     */
    void tdcall(Vcpu v, long[] r) {
        long rax = r[RAX];
        int leaf = (int) (rax & 0xFFFF);
        int version = (int) ((rax >>> 16) & 0xFF);
        long status;
        if ((rax & TdcallRax.RESERVED_MASK) != 0) {
            status = violation("module.tdcall.rax-reserved", OPERAND_INVALID | OperandId.RAX.id());
        } else if (leaf >= handlers.length || handlers[leaf] == null) {
            status = violation("module.tdcall.unknown-leaf", OPERAND_INVALID | OperandId.RAX.id());
        } else if (version != 0 && !(leaf == TdcallLeaf.TDG_VM_RD.number() && version == 1)) {
            status = violation("module.tdcall.version", OPERAND_INVALID | OperandId.RAX.id());
        } else {
            status = handlers[leaf].handle(v, r, version);
        }
        r[RAX] = status;
        td.counters.tdcall(leaf, status);
    }

    private long violation(String rule, long status) {
        td.counters.violation(rule);
        return status;
    }

    /** TDX_CTLS.PENDING_VE_DISABLE or ATTRIBUTES.SEPT_VE_DISABLE: an unaccepted page exits to the host, no #VE. */
    boolean pendingVeDisabled() {
        return td.config.attributes().septVeDisable() || (tdcs.tdCtls() & TdcsField.TD_CTLS_PENDING_VE_DISABLE) != 0;
    }

    /**
     * The Secure EPT walk for a memory operand of a TDCALL leaf: 0 if the private page is accepted, else the
     * status to return. An unmapped page exits to the host first (which may map it pending); if the host maps
     * nothing the TD stops.
     */
    private long walkOperand(long gpa, OperandId operand) {
        if (!td.memory.isRam(gpa)) {
            throw td.stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "TDCALL memory operand " + operand
                    + " at GPA 0x" + Long.toHexString(gpa) + " outside RAM"));
        }
        long page = gpa >>> TdMemory.PAGE_SHIFT;
        int kind = TdMemory.kind(td.memory.stateOf(page));
        if (kind == TdMemory.UNMAPPED) {
            // A non-present Secure-EPT entry exits to the host; one that maps nothing leaves the TDCALL faulting.
            if (!td.vmm.onPrivateEptViolation(gpa & ~(TdMemory.PAGE - 1L), null)) {
                throw td.stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "the host did not map TDCALL "
                        + "memory operand " + operand + " at private GPA 0x" + Long.toHexString(gpa)));
            }
            td.ensureRunning();
            kind = TdMemory.kind(td.memory.stateOf(page));
        }
        if (kind == TdMemory.MAPPED) {
            return 0;
        }
        if (kind != TdMemory.SHARED && pendingVeDisabled()) {
            throw td.stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "TDCALL memory operand " + operand
                    + " at unaccepted GPA 0x" + Long.toHexString(gpa) + " with SEPT_VE_DISABLE"));
        }
        // Deviation: with #VE enabled the module would inject an EPT-violation #VE for the operand; this model
        // returns TDX_EPT_WALK_FAILED with the operand id instead. TDX Module ABI v1.5, "TDCALL memory operands".
        td.counters.violation("module.operand.not-accepted");
        return TdxStatus.EPT_WALK_FAILED.raw() | operand.id();
    }

    // ---------------------------------------------------------------------------------------------------------
    // TDG.VP.VMCALL

    /**
     * TDG.VP.VMCALL. TDX Module ABI v1.5, "TDG.VP.VMCALL Leaf"; intel/tdx-module {@code tdg_vp_vmcall.c}: RCX is
     * {@code {GPR_SELECT:16, XMM_SELECT:16, reserved:32}}; selecting RAX, RCX or RSP (bits 0, 1, 4), RBP (bit 5) when
     * CONFIG_FLAGS.NO_RBP_MOD, or any reserved bit is rejected with TDX_OPERAND_INVALID(RCX) without a TD exit.
     * Otherwise the selected registers go to the VMM and the others read zero there; on re-entry only the selected
     * registers take the VMM's values, RAX is TDX_SUCCESS and RCX is the guest's control value.
     */
    private long tdgVpVmcall(Vcpu v, long[] r) {
        long control = r[RCX];
        if (!GprSelect.isValid(control, td.config.noRbpMod())) {
            return violation("module.vmcall.rcx-invalid", OPERAND_INVALID | OperandId.RCX.id());
        }
        long r10In = r[R10];
        long r11In = r[R11];
        ExitRegisters exit = v.exit;
        exit.load(r, control);
        td.vmm.tdvmcall(exit);
        td.ensureRunning();
        int select = (int) (control & 0xFFFF);
        for (int i = 2; i < 16; i++) {
            if (((select >>> i) & 1) != 0) {
                r[i] = exit.get(i);
            }
        }
        r[RCX] = control;
        td.counters.tdvmcall(r10In, r11In, (select & (1 << R10)) != 0 ? r[R10] : 0);
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // TDG.VP.INFO, TDG.VP.VEINFO.GET, TDG.VP.CPUIDVE.SET

    /**
     * TDG.VP.INFO. TDX Module ABI v1.5, "TDG.VP.INFO Leaf": RCX[5:0] GPAW, RDX ATTRIBUTES, R8 = NUM_VCPUS |
     * MAX_VCPUS &lt;&lt; 32, R9[31:0] VCPU_INDEX, R10 and R11 feature bits (none modelled: TDG.SYS.RD is not).
     */
    private long tdgVpInfo(Vcpu v, long[] r) {
        r[RCX] = td.config.gpaw();
        r[RDX] = td.config.attributes().raw();
        r[R8] = (td.config.vcpus() & 0xFFFF_FFFFL) | ((long) td.config.maxVcpus() << 32);
        r[R9] = v.index();
        // Deviation: R10 and R11 report no optional features (bit 0 of R10 would announce TDG.SYS.RD, which is
        // not modelled). TDX Module ABI v1.5, "TDG.VP.INFO Leaf".
        r[R10] = 0;
        r[R11] = 0;
        return 0;
    }

    /**
     * TDG.VP.VEINFO.GET. TDX Module ABI v1.5, "TDG.VP.VEINFO.GET Leaf"; {@code tdg_vp_veinfo_get.c}: the outputs
     * are zeroed first; with no valid #VE information the status is TDX_NO_VALID_VE_INFO; otherwise RCX exit
     * reason, RDX exit qualification, R8 GLA, R9 GPA, R10 instruction length | information &lt;&lt; 32, and the
     * information becomes invalid (which unblocks the next #VE).
     */
    private long tdgVpVeinfoGet(Vcpu v, long[] r) {
        r[RCX] = 0;
        r[RDX] = 0;
        r[R8] = 0;
        r[R9] = 0;
        r[R10] = 0;
        if (!v.ve.isValid()) {
            return violation("module.veinfo.none-valid", TdxStatus.NO_VALID_VE_INFO.raw());
        }
        // Deviation: the instruction information (R10[63:32]) is always 0 and the EPT-violation exit
        // qualification carries only the read/write, GLA-valid and translated-access bits. TDX Module ABI v1.5,
        // "TDG.VP.VEINFO.GET Leaf"; Intel SDM Vol. 3C, "Exit Qualification for EPT Violations".
        v.ve.readInto(r, RCX, RDX, R8, R9, R10);
        return 0;
    }

    /** TDG.VP.CPUIDVE.SET: RCX bit 0 makes every supervisor CPUID #VE, bit 1 every user CPUID; others reserved. */
    private long tdgVpCpuidveSet(Vcpu v, long[] r) {
        if ((r[RCX] & CPUIDVE_RESERVED) != 0) {
            return violation("module.cpuidve.reserved", OPERAND_INVALID | OperandId.RCX.id());
        }
        v.cpuidVeSupervisor = (r[RCX] & 1) != 0;
        v.cpuidVeUser = (r[RCX] & 2) != 0;
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // TDG.MR.REPORT, TDG.MR.RTMR.EXTEND, TDG.MR.VERIFYREPORT

    /**
     * TDG.MR.REPORT. TDX Module ABI v1.5, "TDG.MR.REPORT Leaf"; {@code tdg_mr_report.c}: RCX = GPA of the
     * 1024-byte TDREPORT_STRUCT output (1024-aligned, private), RDX = GPA of the 64-byte REPORTDATA (64-aligned,
     * private), R8 = report subtype, which must be 0.
     */
    private long tdgMrReport(long[] r) {
        long out = r[RCX];
        long in = r[RDX];
        if ((out & (TdReportLayout.TDREPORT_ALIGNMENT - 1)) != 0 || !td.isPrivateGpa(out)) {
            return violation("module.report.rcx", OPERAND_INVALID | OperandId.RCX.id());
        }
        if ((in & (TdReportLayout.REPORTDATA_ALIGNMENT - 1)) != 0 || !td.isPrivateGpa(in)) {
            return violation("module.report.rdx", OPERAND_INVALID | OperandId.RDX.id());
        }
        if (r[R8] != 0) {
            return violation("module.report.subtype", OPERAND_INVALID | OperandId.R8.id());
        }
        long walk = walkOperand(in, OperandId.RDX);
        if (walk == 0) {
            walk = walkOperand(out, OperandId.RCX);
        }
        if (walk != 0) {
            return walk;
        }
        byte[] reportData = new byte[TdReportLayout.REPORTDATA_SIZE];
        td.memory.copyOut(in, reportData, 0, reportData.length, td.memory.guestCheck);
        byte[] report = td.reports.create(reportData);
        td.memory.copyIn(out, report, 0, report.length, td.memory.guestCheck);
        return 0;
    }

    /**
     * TDG.MR.RTMR.EXTEND. TDX Module ABI v1.5, "TDG.MR.RTMR.EXTEND Leaf"; {@code tdg_mr_rtmr_extend.c}: RCX = GPA
     * of the 48-byte extend data (64-aligned, private), RDX = RTMR index (0..3). RTMR := SHA-384(RTMR || data).
     */
    private long tdgMrRtmrExtend(long[] r) {
        long gpa = r[RCX];
        if ((gpa & 63) != 0 || !td.isPrivateGpa(gpa)) {
            return violation("module.rtmr.rcx", OPERAND_INVALID | OperandId.RCX.id());
        }
        if (Long.compareUnsigned(r[RDX], TdReportLayout.RTMR_COUNT) >= 0) {
            return violation("module.rtmr.index", OPERAND_INVALID | OperandId.RDX.id());
        }
        long walk = walkOperand(gpa, OperandId.RCX);
        if (walk != 0) {
            return walk;
        }
        byte[] data = new byte[TdReportLayout.MEASUREMENT_SIZE];
        td.memory.copyOut(gpa, data, 0, data.length, td.memory.guestCheck);
        td.reports.extend((int) r[RDX], data);
        return 0;
    }

    /**
     * TDG.MR.VERIFYREPORT. TDX Module ABI v1.5, "TDG.MR.VERIFYREPORT Leaf": RCX = GPA of a 256-byte
     * REPORTMACSTRUCT (256-aligned, private). Success if its MAC was made on this platform, else
     * TDX_INVALID_REPORTMACSTRUCT.
     */
    private long tdgMrVerifyreport(long[] r) {
        long gpa = r[RCX];
        if ((gpa & 255) != 0 || !td.isPrivateGpa(gpa)) {
            return violation("module.verifyreport.rcx", OPERAND_INVALID | OperandId.RCX.id());
        }
        long walk = walkOperand(gpa, OperandId.RCX);
        if (walk != 0) {
            return walk;
        }
        byte[] mac = new byte[ReportFactory.REPORTMACSTRUCT_SIZE];
        td.memory.copyOut(gpa, mac, 0, mac.length, td.memory.guestCheck);
        return td.reports.verifyMacStruct(mac) ? 0 : TdxStatus.INVALID_REPORTMACSTRUCT.raw();
    }

    // ---------------------------------------------------------------------------------------------------------
    // TDG.MEM.PAGE.ACCEPT

    /**
     * TDG.MEM.PAGE.ACCEPT. TDX Module ABI v1.5, "TDG.MEM.PAGE.ACCEPT Leaf"; {@code tdg_mem_page_accept.c}
     * ({@code check_tdaccept_failure}). RCX = GPA | level. Outcomes:
     * <ul>
     *   <li>bad level, reserved bits, unaligned or non-private GPA: TDX_OPERAND_INVALID(RCX);</li>
     *   <li>SEPT entry locked by the host: TDX_OPERAND_BUSY(RCX);</li>
     *   <li>an accepted leaf at or above the requested size: TDX_PAGE_ALREADY_ACCEPTED + its level (a warning);</li>
     *   <li>the requested size is mapped by smaller leaves: TDX_PAGE_SIZE_MISMATCH + the requested level;</li>
     *   <li>nothing mapped, or a larger pending leaf: an EPT violation TD exit; the host maps (or splits) and the
     *       guest re-executes the TDCALL, which this model does at once;</li>
     *   <li>a pending leaf of the requested size: accepted, zeroed, MAPPED.</li>
     * </ul>
     */
    private long tdgMemPageAccept(long[] r) {
        PageAcceptRcx rcx = new PageAcceptRcx(r[RCX]);
        long gpa = rcx.gpa();
        PageLevel pl = rcx.level();
        if (rcx.hasReservedBits() || pl == null) {
            return violation("module.accept.rcx", OPERAND_INVALID | OperandId.RCX.id());
        }
        int level = pl.level();
        if (level > td.settings.maxAcceptLevel().level()) {
            // A guest may probe the largest size first, as Linux does with 1G: counted apart from real misuse.
            return violation("module.accept.level-unsupported", OPERAND_INVALID | OperandId.RCX.id());
        }
        if ((gpa & (pl.bytes() - 1)) != 0 || !td.isPrivateGpa(gpa)) {
            return violation("module.accept.rcx", OPERAND_INVALID | OperandId.RCX.id());
        }
        if (!td.memory.isRam(gpa)) {
            throw td.stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "TDG.MEM.PAGE.ACCEPT of GPA 0x"
                    + Long.toHexString(gpa) + " beyond the TD's RAM: the host has no memory to map there"));
        }
        long page = gpa >>> TdMemory.PAGE_SHIFT;
        if (td.memory.septLocked(page, TdMemory.pagesAt(level))) {
            return TdxStatus.OPERAND_BUSY.raw() | OperandId.RCX.id();
        }
        // The guest re-executes TDCALL after each EPT-violation exit the host resolves; a host that resolves
        // nothing would leave it looping, which stops the TD. Two rounds suffice for an honest host (split, map).
        for (int round = 0; round < 4; round++) {
            long outcome = probe(page, level);
            int kind = (int) (outcome >>> 8);
            int at = (int) (outcome & 0xFF);
            switch (kind) {
                case PROBE_ALREADY -> {
                    return TdxStatus.PAGE_ALREADY_ACCEPTED.raw() | at;
                }
                case PROBE_SIZE_MISMATCH -> {
                    // Not a violation: a guest tries the larger size first and falls back (Linux try_accept_one).
                    return TdxStatus.PAGE_SIZE_MISMATCH.raw() | at;
                }
                case PROBE_ACCEPT -> {
                    // Deviation: a 2M accept is atomic here; the module accepts 4 KiB at a time and, with an
                    // interrupt pending, keeps its progress and leaves RAX unwritten so the TDCALL re-executes.
                    // TDX Module ABI v1.5, "TDG.MEM.PAGE.ACCEPT Leaf" (interruptibility).
                    long n = TdMemory.pagesAt(level);
                    td.memory.discard(false, page, n);
                    td.memory.setRange(page, n, TdMemory.state(TdMemory.MAPPED, level));
                    return 0;
                }
                default -> {
                    if (!td.vmm.onPrivateEptViolation(gpa, pl)) {
                        throw td.stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION,
                                "the host did not resolve the EPT violation of TDG.MEM.PAGE.ACCEPT at GPA 0x"
                                        + Long.toHexString(gpa) + " level " + level));
                    }
                    td.ensureRunning();
                }
            }
        }
        throw td.stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION,
                "TDG.MEM.PAGE.ACCEPT at GPA 0x" + Long.toHexString(gpa) + " kept exiting with EPT violations"));
    }

    private static final int PROBE_ACCEPT = 1;
    private static final int PROBE_ALREADY = 2;
    private static final int PROBE_SIZE_MISMATCH = 3;
    private static final int PROBE_VIOLATION = 4;

    /** The Secure EPT walk of {@code check_tdaccept_failure}: (outcome &lt;&lt; 8) | level. */
    private long probe(long page, int level) {
        TdMemory m = td.memory;
        int s0 = m.stateOf(page);
        int k0 = TdMemory.kind(s0);
        int l0 = TdMemory.level(s0);
        boolean leaf0 = k0 == TdMemory.PENDING || k0 == TdMemory.MAPPED;
        if (leaf0 && l0 > level) {
            // The walk stopped at a larger leaf: accepted means already accepted (at the leaf's level);
            // pending means an EPT violation, after which the host splits the leaf.
            return k0 == TdMemory.MAPPED ? (long) PROBE_ALREADY << 8 | l0 : (long) PROBE_VIOLATION << 8;
        }
        long n = TdMemory.pagesAt(level);
        boolean uniform = true;
        boolean anyLeaf = false;
        for (long p = page; p < page + n; ) {
            int s = m.stateOf(p);
            uniform &= s == s0;
            int k = TdMemory.kind(s);
            anyLeaf |= k == TdMemory.PENDING || k == TdMemory.MAPPED;
            p += n >= TdMemory.PAGES_PER_CHUNK && m.chunkUniform(p) ? TdMemory.PAGES_PER_CHUNK : 1;
        }
        if (uniform && leaf0 && l0 == level) {
            return (long) (k0 == TdMemory.MAPPED ? PROBE_ALREADY : PROBE_ACCEPT) << 8 | level;
        }
        if (anyLeaf) {
            return (long) PROBE_SIZE_MISMATCH << 8 | level;
        }
        return (long) PROBE_VIOLATION << 8;
    }
}
