package io.github.tdx4j.sim.vmm;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.sim.StopReason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The honest host: KVM (Linux 6.16, {@code arch/x86/kvm/vmx/tdx.c}) with QEMU ({@code target/i386/kvm/tdx.c},
 * {@code tdx-quote-generator.c}) answering every TDVMCALL as they do, with their status codes.
 *
 * <p>Devices: a 16550 UART at 0x3F8 whose output is the TD's console, QEMU's isa-debug-exit at 0x501, the
 * {@link MmioTestDevice} at the TD's MMIO base, the MSRs KVM emulates for TDs, and the KVM CPUID leaves
 * 0x40000000 and 0x40000001. GetQuote goes to the platform's quote generation service asynchronously, under QEMU's
 * limits. Every rejected request is counted as a violation under a {@code vmm.*} rule.
 */
public final class HonestVmm implements Vmm {
    /** TDX_MAP_GPA_MAX_LEN: KVM exits to user space for at most 2 MiB of a MapGPA at a time. */
    public static final long MAP_GPA_MAX_LEN = 2L << 20;
    /** KVM_ENOSYS: R10 of an unknown KVM hypercall, as a negative value. */
    public static final long KVM_ENOSYS = 1000;
    /** KVM_HC_VAPIC_POLL_IRQ. */
    public static final long KVM_HC_VAPIC_POLL_IRQ = 1;
    /** KVM_HC_SCHED_YIELD. */
    public static final long KVM_HC_SCHED_YIELD = 11;
    /** GetTdVmCallInfo leaf 1, R11: TDVMCALLINFO_SETUP_EVENT_NOTIFY_INTERRUPT (BIT(1)); GetQuote is base. */
    public static final long TDVMCALLINFO_SETUP_EVENT_NOTIFY_INTERRUPT = 1L << 1;
    /** ReportFatalError: at most 64 message bytes (GUEST_PANIC_INFO_TDX_MESSAGE_MAX). */
    public static final int FATAL_MESSAGE_MAX = 64;
    /** The KVM signature of CPUID 0x40000000: "KVMKVMKVM\0\0\0". */
    private static final byte[] KVM_SIGNATURE = "KVMKVMKVM\0\0\0".getBytes(StandardCharsets.US_ASCII);

    private static final long SUCCESS = TdvmcallStatus.SUCCESS.raw();
    private static final long RETRY = TdvmcallStatus.RETRY.raw();
    private static final long INVALID_OPERAND = TdvmcallStatus.INVALID_OPERAND.raw();
    private static final long ALIGN_ERROR = TdvmcallStatus.ALIGN_ERROR.raw();

    private final Host host;
    private final long sharedBit;
    private final DeviceBus bus = new DeviceBus();
    private final KvmMsrs msrs = new KvmMsrs();
    private final QemuGetQuote quotes;
    /** The handler of each TDVMCALL sub-function KVM or QEMU implements, by its GHCI name. */
    private final Map<TdvmcallSubFunction, Consumer<VmcallExit>> handlers;

    // Deviation: the in-kernel KVM devices (PIC, PIT, IOAPIC) and QEMU's other devices are absent; only the UART,
    // isa-debug-exit and the MMIO test window answer, and every other port or MMIO address is unclaimed.
    public HonestVmm(Host host) {
        this.host = host;
        this.sharedBit = host.config().sharedBit();
        this.quotes = new QemuGetQuote(host);
        this.handlers = Map.ofEntries(
                Map.entry(TdvmcallSubFunction.INSTRUCTION_CPUID, this::instructionCpuid),
                Map.entry(TdvmcallSubFunction.INSTRUCTION_HLT, this::instructionHlt),
                Map.entry(TdvmcallSubFunction.INSTRUCTION_IO, this::instructionIo),
                Map.entry(TdvmcallSubFunction.INSTRUCTION_RDMSR, this::instructionRdmsr),
                Map.entry(TdvmcallSubFunction.INSTRUCTION_WRMSR, this::instructionWrmsr),
                Map.entry(TdvmcallSubFunction.VE_REQUEST_MMIO, this::veRequestMmio),
                Map.entry(TdvmcallSubFunction.GET_TD_VM_CALL_INFO, this::getTdVmCallInfo),
                Map.entry(TdvmcallSubFunction.MAP_GPA, this::mapGpa),
                Map.entry(TdvmcallSubFunction.GET_QUOTE, quotes::getQuote),
                Map.entry(TdvmcallSubFunction.REPORT_FATAL_ERROR, this::reportFatalError),
                Map.entry(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT, this::setupEventNotifyInterrupt));
        addPortDevice(Uart16550.COM1, 8, new Uart16550(Uart16550.COM1, host::console));
        addPortDevice(DebugExitDevice.PORT, 2, new DebugExitDevice(status -> host.stop(new StopReason(
                StopReason.Kind.VMM_STOPPED, "isa-debug-exit: exit status " + status, status, "",
                OptionalLong.empty()))));
        addMmioDevice(host.config().mmioBase(), MmioTestDevice.SIZE, new MmioTestDevice());
    }

    /** Puts {@code device} on ports [first, first+count). Later devices take precedence. */
    public void addPortDevice(int first, int count, PortDevice device) {
        bus.addPortDevice(first, count, device);
    }

    /** Puts {@code device} at GPA [base, base+size) (shared bit stripped). Later devices take precedence. */
    public void addMmioDevice(long base, long size, MmioDevice device) {
        bus.addMmioDevice(base, size, device);
    }

    /** GetQuote requests accepted and not yet completed. */
    public int quotesInFlight() {
        return quotes.quotesInFlight();
    }

    /** The vector registered with SetupEventNotifyInterrupt, or 0 if none. */
    public int notifyVector() {
        return quotes.notifyVector();
    }

    // ---------------------------------------------------------------------------------------------------------

    @Override
    public void tdvmcall(VmcallExit exit) {
        if (exit.r10() != 0) {
            vendor(exit);
            return;
        }
        Consumer<VmcallExit> handler = handlers.get(new TdvmcallSubFunction(exit.r11()));
        if (handler != null) {
            handler.accept(exit);
        } else {
            // KVM handle_tdvmcall: anything else is TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED (Linux 6.16).
            host.violation("vmm.tdvmcall.unsupported");
            exit.setStatus(host.settings().unsupportedSubFunctionStatus().raw());
        }
    }

    private long reject(VmcallExit exit, String rule, long status) {
        host.violation(rule);
        exit.setStatus(status);
        return status;
    }

    /**
     * A KVM hypercall (R10 = number, R11..R14 = arguments; KVM {@code tdx_emulate_vmcall}): the result goes to R10.
     * VAPIC_POLL_IRQ and SCHED_YIELD succeed; others are -KVM_ENOSYS.
     */
    // Deviation: KVM_HC_KICK_CPU, KVM_HC_SEND_IPI and KVM_HC_MAP_GPA_RANGE as vendor calls are not modelled and
    // answer -KVM_ENOSYS. Documentation/virt/kvm/x86/hypercalls.rst.
    private void vendor(VmcallExit exit) {
        long nr = exit.r10();
        if (nr == KVM_HC_VAPIC_POLL_IRQ || nr == KVM_HC_SCHED_YIELD) {
            exit.setStatus(0);
        } else {
            host.violation("vmm.hypercall.unknown");
            exit.setStatus(-KVM_ENOSYS);
        }
    }

    /** Instruction.CPUID: R12 leaf, R13 subleaf; R12..R15 = EAX..EDX. Always success (KVM tdx_emulate_cpuid). */
    private void instructionCpuid(VmcallExit exit) {
        long leaf = exit.r12() & 0xFFFF_FFFFL;
        long eax = 0;
        long ebx = 0;
        long ecx = 0;
        long edx = 0;
        if (leaf == 0x4000_0000L) {
            eax = 0x4000_0001L;
            ebx = le32(KVM_SIGNATURE, 0);
            ecx = le32(KVM_SIGNATURE, 4);
            edx = le32(KVM_SIGNATURE, 8);
        } else if (leaf == 0x4000_0001L) {
            // KVM_FEATURE_NOP_IO_DELAY (1), PV_UNHALT (7), PV_TLB_FLUSH (9), PV_SEND_IPI (11), POLL_CONTROL (12),
            // PV_SCHED_YIELD (13), MSI_EXT_DEST_ID (15).
            eax = (1L << 1) | (1L << 7) | (1L << 9) | (1L << 11) | (1L << 12) | (1L << 13) | (1L << 15);
        }
        exit.setR12(eax);
        exit.setR13(ebx);
        exit.setR14(ecx);
        exit.setR15(edx);
        exit.setStatus(SUCCESS);
    }

    private static long le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (long) (b[off + 3] & 0xFF) << 24;
    }

    /** Instruction.HLT: R12 = 1 if interrupts are blocked. The vCPU idles until an event or the idle bound. */
    // Deviation: KVM blocks a halted vCPU until a wake-up event; with nothing scheduled this returns after
    // SimSettings#idleHaltNanos of simulated time instead of never. KVM kvm_emulate_halt_noskip.
    private void instructionHlt(VmcallExit exit) {
        host.idle(exit.vcpuIndex(), host.settings().idleHaltNanos());
        exit.setStatus(SUCCESS);
    }

    /**
     * Instruction.IO: R12 size (1, 2, 4), R13 direction (0 IN, 1 OUT), R14 port, R15 value; IN returns R11.
     * KVM {@code tdx_emulate_io}: another size or direction is INVALID_OPERAND. Unclaimed ports read all ones.
     */
    private void instructionIo(VmcallExit exit) {
        long size = exit.r12();
        long write = exit.r13();
        if ((size != 1 && size != 2 && size != 4) || (write != 0 && write != 1)) {
            reject(exit, "vmm.io.operand", INVALID_OPERAND);
            return;
        }
        int port = (int) (exit.r14() & 0xFFFF);
        long mask = (1L << (8 * size)) - 1;
        PortDevice d = bus.port(port);
        if (write == 1) {
            if (d != null) {
                d.out(port, (int) size, exit.r15() & mask);
            }
        } else {
            exit.setR11((d != null ? d.in(port, (int) size) : -1L) & mask);
        }
        exit.setStatus(SUCCESS);
    }

    /**
     * #VE.RequestMMIO: R12 size (1, 2, 4, 8), R13 direction (0 read, 1 write), R14 GPA, R15 value; a read returns
     * R11. KVM {@code tdx_emulate_mmio}: another size or direction, or a GPA whose first or last byte is private, is
     * INVALID_OPERAND. QEMU serves a device, RAM (the shared backing), or unassigned space (reads 0).
     */
    private void veRequestMmio(VmcallExit exit) {
        long size = exit.r12();
        long write = exit.r13();
        long gpa = exit.r14();
        if ((size != 1 && size != 2 && size != 4 && size != 8) || (write != 0 && write != 1)
                || (gpa & sharedBit) == 0 || ((gpa + size - 1) & sharedBit) == 0) {
            reject(exit, "vmm.mmio.operand", INVALID_OPERAND);
            return;
        }
        long g = gpa & ~sharedBit;
        long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
        DeviceBus.MmioRange d = bus.mmio(g);
        if (write == 1) {
            long v = exit.r15() & mask;
            if (d != null) {
                d.device().write(g - d.base(), (int) size, v);
            } else if (host.memory().isRam(g) && host.memory().isRam(g + size - 1)) {
                host.memory().writeSized(g, (int) size, v);
            }
        } else {
            long v = 0;
            if (d != null) {
                v = d.device().read(g - d.base(), (int) size);
            } else if (host.memory().isRam(g) && host.memory().isRam(g + size - 1)) {
                v = host.memory().readSized(g, (int) size);
            }
            // Deviation: a read of unassigned MMIO space returns 0, as QEMU's unassigned_mem_read; ports return
            // all ones. Not checked against every QEMU machine type.
            exit.setR11(v & mask);
        }
        exit.setStatus(SUCCESS);
    }

    /** Instruction.RDMSR: R12 MSR; R11 = EDX:EAX. An MSR KVM does not emulate for TDs is INVALID_OPERAND. */
    private void instructionRdmsr(VmcallExit exit) {
        long msr = exit.r12() & 0xFFFF_FFFFL;
        OptionalLong value = msrs.read(msr);
        if (value.isEmpty()) {
            reject(exit, "vmm.msr.not-emulated", INVALID_OPERAND);
            return;
        }
        exit.setR11(value.getAsLong());
        exit.setStatus(SUCCESS);
    }

    /** Instruction.WRMSR: R12 MSR, R13 value. Not emulated or read-only (APICBASE, EFER, FEAT_CTL, ...): error. */
    private void instructionWrmsr(VmcallExit exit) {
        long msr = exit.r12() & 0xFFFF_FFFFL;
        boolean emulated = KvmMsrs.emulated(msr);
        if (!emulated || KvmMsrs.readOnly(msr)) {
            reject(exit, emulated ? "vmm.msr.read-only" : "vmm.msr.not-emulated", INVALID_OPERAND);
            return;
        }
        msrs.write(msr, exit.r13());
        exit.setStatus(SUCCESS);
    }

    // ---- GHCI calls ----

    /**
     * GetTdVmCallInfo: R12 = 0 → R11..R14 = 0 (KVM, in kernel); R12 = 1 → R11 = the optional TDVMCALLs QEMU
     * supports (SetupEventNotifyInterrupt); other leaves INVALID_OPERAND.
     */
    private void getTdVmCallInfo(VmcallExit exit) {
        long leaf = exit.r12();
        if (leaf != 0 && leaf != 1) {
            reject(exit, "vmm.tdvmcallinfo.leaf", INVALID_OPERAND);
            return;
        }
        exit.setR11(leaf == 1 ? TDVMCALLINFO_SETUP_EVENT_NOTIFY_INTERRUPT : 0);
        exit.setR12(0);
        exit.setR13(0);
        exit.setR14(0);
        exit.setStatus(SUCCESS);
    }

    /**
     * MapGPA: R12 start GPA (the shared bit says the direction), R13 size. KVM {@code tdx_map_gpa}: a range that
     * wraps, leaves the GPA width or mixes shared and private is INVALID_OPERAND; an unaligned one ALIGN_ERROR; R11 =
     * the start GPA on these errors. The range is converted in 2 MiB chunks; when an interrupt is pending after a
     * chunk and more remains, the answer is RETRY with R11 = the next GPA.
     */
    private void mapGpa(VmcallExit exit) {
        long gpa = exit.r12();
        long size = exit.r13();
        if (!host.settings().mapGpaExitEnabled()) {
            exit.setStatus(TdvmcallStatus.SUBFUNC_UNSUPPORTED.raw());
            return;
        }
        long gpawLimit = 1L << host.config().gpaw();
        long last = gpa + size - 1;
        if (Long.compareUnsigned(gpa + size, gpa) <= 0 || Long.compareUnsigned(gpa, gpawLimit) >= 0
                || Long.compareUnsigned(last, gpawLimit) >= 0 || ((gpa & sharedBit) != (last & sharedBit))) {
            reject(exit, "vmm.mapgpa.range", INVALID_OPERAND);
            exit.setR11(gpa);
            return;
        }
        if ((gpa & 0xFFF) != 0 || (size & 0xFFF) != 0) {
            reject(exit, "vmm.mapgpa.align", ALIGN_ERROR);
            exit.setR11(gpa);
            return;
        }
        boolean toShared = (gpa & sharedBit) != 0;
        long end = gpa + size;
        long next = gpa;
        while (true) {
            long chunk = Math.min(end - next, MAP_GPA_MAX_LEN);
            if (!convert(next & ~sharedBit, chunk, toShared)) {
                reject(exit, "vmm.mapgpa.convert", INVALID_OPERAND);
                exit.setR11(next);
                return;
            }
            next += chunk;
            if (next >= end) {
                exit.setStatus(SUCCESS);
                return;
            }
            // Deviation: "events pending" is a pending interrupt on the vCPU; KVM also stops for pending signals.
            // KVM tdx_complete_vmcall_map_gpa.
            if (host.hasPendingInterrupt(exit.vcpuIndex())) {
                exit.setStatus(RETRY);
                exit.setR11(next);
                return;
            }
        }
    }

    /**
     * QEMU {@code kvm_convert_memory} for one chunk: RAM pages change attribute; a non-RAM range may be made shared
     * (it is MMIO) but not private.
     */
    private boolean convert(long gpa, long bytes, boolean toShared) {
        long ramEnd = host.config().memoryBytes();
        long end = gpa + bytes;
        if (!toShared && end > ramEnd) {
            return false;
        }
        if (gpa < ramEnd) {
            host.convert(gpa, Math.min(end, ramEnd) - gpa, toShared);
        }
        return true;
    }

    /**
     * ReportFatalError: R12 error code (bits 15:0 must be 0; bit 63: R13 holds a GPA); the message is up to 64
     * bytes in R14, R15, RBX, RDI, RSI, R8, R9, RDX, each only if exposed. KVM exits with
     * KVM_SYSTEM_EVENT_TDX_FATAL; QEMU reports a guest panic and the TD stops.
     */
    private void reportFatalError(VmcallExit exit) {
        long errorCode = exit.r12();
        if ((errorCode & 0xFFFF) != 0) {
            host.violation("vmm.fatal.error-code");
            host.stop(new StopReason(StopReason.Kind.VMM_STOPPED, "QEMU rejected ReportFatalError error code 0x"
                    + Long.toHexString(errorCode), errorCode, "", OptionalLong.empty()));
            return;
        }
        Gpr[] order = {Gpr.R14, Gpr.R15, Gpr.RBX, Gpr.RDI, Gpr.RSI, Gpr.R8, Gpr.R9, Gpr.RDX};
        byte[] message = new byte[FATAL_MESSAGE_MAX];
        for (int i = 0; i < order.length; i++) {
            long v = exit.exposes(order[i]) ? exit.get(order[i]) : 0;
            for (int j = 0; j < 8; j++) {
                message[i * 8 + j] = (byte) (v >>> (8 * j));
            }
        }
        int n = 0;
        while (n < message.length && message[n] != 0) {
            n++;
        }
        String text = new String(message, 0, n, StandardCharsets.ISO_8859_1);
        OptionalLong gpa = errorCode < 0 ? OptionalLong.of(exit.r13()) : OptionalLong.empty();
        host.stop(new StopReason(StopReason.Kind.FATAL_ERROR, "TDG.VP.VMCALL<ReportFatalError>", errorCode, text,
                gpa));
    }

    /** SetupEventNotifyInterrupt: R12 vector, 32..255, else INVALID_OPERAND; recorded with the calling vCPU. */
    private void setupEventNotifyInterrupt(VmcallExit exit) {
        long vector = exit.r12();
        if (vector < 32 || vector > 255) {
            reject(exit, "vmm.notify.vector", INVALID_OPERAND);
            return;
        }
        quotes.setNotification((int) vector, exit.vcpuIndex());
        exit.setStatus(SUCCESS);
    }

    // ---- private EPT violations ----

    /**
     * KVM's TDX page fault path: an unmapped private page is mapped with TDH.MEM.PAGE.AUG at the largest level that
     * does not exceed the guest's accept level nor {@link io.github.tdx4j.sim.SimSettings#hostPrivateMappingLevel()}
     * (4 KiB on Linux 6.16); a larger pending leaf is split with TDH.MEM.PAGE.DEMOTE. A GPA the guest holds shared
     * is converted to private first (QEMU's implicit conversion on KVM_EXIT_MEMORY_FAULT).
     */
    @Override
    public boolean onPrivateEptViolation(long gpa, PageLevel acceptLevel) {
        HostMemory m = host.memory();
        if (!m.isRam(gpa)) {
            return false;
        }
        if (m.isShared(gpa)) {
            host.violation("vmm.ept.implicit-conversion");
            host.convert(gpa & ~0xFFFL, 4096, false);
        }
        PageLevel max = host.settings().hostPrivateMappingLevel();
        PageLevel level = acceptLevel == null ? PageLevel.SIZE_4K
                : acceptLevel.level() > max.level() ? max : acceptLevel;
        long aligned = gpa & ~(level.bytes() - 1);
        host.demotePrivate(gpa);
        host.augPrivate(aligned, level);
        return true;
    }

}
