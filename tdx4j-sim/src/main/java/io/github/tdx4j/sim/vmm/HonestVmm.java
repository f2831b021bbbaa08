package io.github.tdx4j.sim.vmm;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.sim.StopReason;
import io.github.tdx4j.sim.quote.QuoteGenerationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

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
    private final List<PortRange> ports = new ArrayList<>();
    private final List<MmioRange> mmio = new ArrayList<>();
    private final Map<Long, Long> msrs = new HashMap<>();
    private final StringBuilder console = new StringBuilder();
    private int notifyVector;
    private int notifyVcpu;
    private int quotesInFlight;

    // Deviation: the in-kernel KVM devices (PIC, PIT, IOAPIC) and QEMU's other devices are absent; only the UART,
    // isa-debug-exit and the MMIO test window answer, and every other port or MMIO address is unclaimed.
    public HonestVmm(Host host) {
        this.host = host;
        this.sharedBit = host.config().sharedBit();
        addPortDevice(Uart16550.COM1, 8, new Uart16550(Uart16550.COM1, b -> {
            console.append((char) b);
            host.console(b);
        }));
        addPortDevice(DebugExitDevice.PORT, 2, new DebugExitDevice(status -> host.stop(new StopReason(
                StopReason.Kind.VMM_STOPPED, "isa-debug-exit: exit status " + status, status, "",
                OptionalLong.empty()))));
        addMmioDevice(host.config().mmioBase(), MmioTestDevice.SIZE, new MmioTestDevice());
        initMsrs();
    }

    /** Puts {@code device} on ports [first, first+count). Later devices take precedence. */
    public void addPortDevice(int first, int count, PortDevice device) {
        ports.addFirst(new PortRange(first, count, device));
    }

    /** Puts {@code device} at GPA [base, base+size) (shared bit stripped). Later devices take precedence. */
    public void addMmioDevice(long base, long size, MmioDevice device) {
        mmio.addFirst(new MmioRange(base, size, device));
    }

    @Override
    public String console() {
        return console.toString();
    }

    /** GetQuote requests accepted and not yet completed. */
    public int quotesInFlight() {
        return quotesInFlight;
    }

    /** The vector registered with SetupEventNotifyInterrupt, or 0 if none. */
    public int notifyVector() {
        return notifyVector;
    }

    // ---------------------------------------------------------------------------------------------------------

    @Override
    public void tdvmcall(VmcallExit exit) {
        if (exit.r10() != 0) {
            vendor(exit);
            return;
        }
        long fn = exit.r11();
        int f = fn >= 0 && fn <= Integer.MAX_VALUE ? (int) fn : -1;
        switch (f) {
            case 10 -> cpuid(exit);
            case 12 -> hlt(exit);
            case 30 -> io(exit);
            case 31 -> rdmsr(exit);
            case 32 -> wrmsr(exit);
            case 48 -> mmio(exit);
            case 0x10000 -> getTdVmCallInfo(exit);
            case 0x10001 -> mapGpa(exit);
            case 0x10002 -> getQuote(exit);
            case 0x10003 -> reportFatalError(exit);
            case 0x10004 -> setupEventNotifyInterrupt(exit);
            default -> {
                // KVM handle_tdvmcall: anything else is TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED (Linux 6.16).
                host.violation("vmm.tdvmcall.unsupported");
                exit.setStatus(host.settings().unsupportedSubFunctionStatus().raw());
            }
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
    private void cpuid(VmcallExit exit) {
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
    private void hlt(VmcallExit exit) {
        host.idle(exit.vcpuIndex(), host.settings().idleHaltNanos());
        exit.setStatus(SUCCESS);
    }

    /**
     * Instruction.IO: R12 size (1, 2, 4), R13 direction (0 IN, 1 OUT), R14 port, R15 value; IN returns R11.
     * KVM {@code tdx_emulate_io}: another size or direction is INVALID_OPERAND. Unclaimed ports read all ones.
     */
    private void io(VmcallExit exit) {
        long size = exit.r12();
        long write = exit.r13();
        if ((size != 1 && size != 2 && size != 4) || (write != 0 && write != 1)) {
            reject(exit, "vmm.io.operand", INVALID_OPERAND);
            return;
        }
        int port = (int) (exit.r14() & 0xFFFF);
        long mask = (1L << (8 * size)) - 1;
        PortDevice d = port(port);
        if (write == 1) {
            if (d != null) {
                d.out(port, (int) size, exit.r15() & mask);
            }
        } else {
            exit.setR11((d != null ? d.in(port, (int) size) : -1L) & mask);
        }
        exit.setStatus(SUCCESS);
    }

    private PortDevice port(int port) {
        for (PortRange r : ports) {
            if (port >= r.first && port < r.first + r.count) {
                return r.device;
            }
        }
        return null;
    }

    /**
     * #VE.RequestMMIO: R12 size (1, 2, 4, 8), R13 direction (0 read, 1 write), R14 GPA, R15 value; a read returns
     * R11. KVM {@code tdx_emulate_mmio}: another size or direction, or a GPA whose first or last byte is private, is
     * INVALID_OPERAND. QEMU serves a device, RAM (the shared backing), or unassigned space (reads 0).
     */
    private void mmio(VmcallExit exit) {
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
        MmioRange d = mmioDevice(g);
        if (write == 1) {
            long v = exit.r15() & mask;
            if (d != null) {
                d.device.write(g - d.base, (int) size, v);
            } else if (host.memory().isRam(g) && host.memory().isRam(g + size - 1)) {
                host.memory().writeSized(g, (int) size, v);
            }
        } else {
            long v = 0;
            if (d != null) {
                v = d.device.read(g - d.base, (int) size);
            } else if (host.memory().isRam(g) && host.memory().isRam(g + size - 1)) {
                v = host.memory().readSized(g, (int) size);
            }
            // Deviation: a read of unassigned MMIO space returns 0, as QEMU's unassigned_mem_read; ports return
            // all ones. Not checked against every QEMU machine type.
            exit.setR11(v & mask);
        }
        exit.setStatus(SUCCESS);
    }

    private MmioRange mmioDevice(long gpa) {
        for (MmioRange r : mmio) {
            if (gpa >= r.base && gpa - r.base < r.size) {
                return r;
            }
        }
        return null;
    }

    // ---- MSRs KVM emulates for a TD (KVM tdx_has_emulated_msr, tdx_is_read_only_msr) ----

    private static final long MSR_IA32_APICBASE = 0x1B;
    private static final long MSR_EFER = 0xC000_0080L;
    private static final long MSR_IA32_FEAT_CTL = 0x3A;
    private static final long MSR_IA32_MISC_ENABLE = 0x1A0;
    private static final long MSR_IA32_CR_PAT = 0x277;
    private static final long MSR_IA32_UCODE_REV = 0x8B;
    private static final long MSR_IA32_ARCH_CAPABILITIES = 0x10A;
    private static final long MSR_PLATFORM_INFO = 0xCE;
    private static final long MSR_MTRRCAP = 0xFE;
    private static final long MSR_IA32_MCG_CAP = 0x179;

    private void initMsrs() {
        msrs.put(MSR_IA32_APICBASE, 0xFEE0_0000L | (1L << 11) | (1L << 10) | (1L << 8)); // x2APIC, enabled, BSP
        msrs.put(MSR_EFER, (1L << 0) | (1L << 8) | (1L << 10) | (1L << 11)); // SCE, LME, LMA, NXE
        msrs.put(MSR_IA32_FEAT_CTL, 1L); // locked
        msrs.put(MSR_IA32_MISC_ENABLE, 0x1800L); // BTS and PEBS unavailable, as KVM's default
        msrs.put(MSR_IA32_CR_PAT, 0x0007_0406_0007_0406L);
        msrs.put(MSR_MTRRCAP, 0x508L);
        msrs.put(MSR_IA32_MCG_CAP, 32 | (1L << 8)); // 32 banks, MCG_CTL_P
    }

    private static boolean emulated(long msr) {
        if (msr >= 0x800 && msr <= 0x8FF) {
            // x2APIC registers the CPU virtualizes are not KVM's to emulate: TPR, PPR, EOI, ISR, TMR, IRR.
            return !(msr == 0x808 || msr == 0x80A || msr == 0x80B || (msr >= 0x810 && msr <= 0x827));
        }
        return msr == MSR_IA32_UCODE_REV || msr == MSR_IA32_ARCH_CAPABILITIES || msr == 0x1FC /* POWER_CTL */
                || msr == MSR_IA32_CR_PAT || msr == MSR_MTRRCAP || (msr >= 0x200 && msr <= 0x2FF) /* MTRRs */
                || msr == 0x6E0 /* TSC_DEADLINE */ || msr == MSR_IA32_MISC_ENABLE || msr == MSR_PLATFORM_INFO
                || msr == 0x140 /* MISC_FEATURES_ENABLES */ || msr == MSR_IA32_APICBASE || msr == MSR_EFER
                || msr == MSR_IA32_FEAT_CTL || (msr >= MSR_IA32_MCG_CAP && msr <= 0x17B) /* MCG_CAP/STATUS/CTL */
                || msr == 0x4D0 /* MCG_EXT_CTL */ || (msr >= 0x400 && msr < 0x400 + 4 * 32) /* MCi_CTL..MISC */
                || (msr >= 0x280 && msr < 0x280 + 32) /* MCi_CTL2 */ || msr == 0x4B56_4D05L /* KVM_POLL_CONTROL */;
    }

    private static boolean readOnly(long msr) {
        return msr == MSR_IA32_APICBASE || msr == MSR_EFER || msr == MSR_IA32_FEAT_CTL
                || msr == MSR_IA32_ARCH_CAPABILITIES || msr == MSR_PLATFORM_INFO || msr == MSR_MTRRCAP
                || msr == MSR_IA32_MCG_CAP || msr == MSR_IA32_UCODE_REV;
    }

    /** Instruction.RDMSR: R12 MSR; R11 = EDX:EAX. An MSR KVM does not emulate for TDs is INVALID_OPERAND. */
    private void rdmsr(VmcallExit exit) {
        long msr = exit.r12() & 0xFFFF_FFFFL;
        if (!emulated(msr)) {
            reject(exit, "vmm.msr.not-emulated", INVALID_OPERAND);
            return;
        }
        exit.setR11(msrs.getOrDefault(msr, 0L));
        exit.setStatus(SUCCESS);
    }

    /** Instruction.WRMSR: R12 MSR, R13 value. Not emulated or read-only (APICBASE, EFER, FEAT_CTL, ...): error. */
    private void wrmsr(VmcallExit exit) {
        long msr = exit.r12() & 0xFFFF_FFFFL;
        if (!emulated(msr) || readOnly(msr)) {
            reject(exit, emulated(msr) ? "vmm.msr.read-only" : "vmm.msr.not-emulated", INVALID_OPERAND);
            return;
        }
        msrs.put(msr, exit.r13());
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
     * GetQuote: R12 shared GPA of the buffer, R13 its size. KVM: a private GPA is INVALID_OPERAND. QEMU
     * {@code tdx_handle_get_quote}: size 0 INVALID_OPERAND; GPA or size not 4 KiB aligned ALIGN_ERROR; header
     * unreadable, version != 1, size &gt; 128 KiB or in_len &gt; size − 24 INVALID_OPERAND; no QGS: status
     * SERVICE_UNAVAILABLE and SUCCESS; 16 requests in flight: RETRY; else status IN_FLIGHT, SUCCESS, and the quote
     * is written later (quote and out_len, then status, then the notify interrupt).
     */
    private void getQuote(VmcallExit exit) {
        long gpa = exit.r12();
        long size = exit.r13();
        if ((gpa & sharedBit) == 0) {
            reject(exit, "vmm.getquote.private-gpa", INVALID_OPERAND);
            return;
        }
        long g = gpa & ~sharedBit;
        if (size == 0) {
            reject(exit, "vmm.getquote.size-zero", INVALID_OPERAND);
            return;
        }
        if ((g & 0xFFF) != 0 || (size & 0xFFF) != 0) {
            reject(exit, "vmm.getquote.align", ALIGN_ERROR);
            return;
        }
        HostMemory m = host.memory();
        if (!m.isRam(g) || !m.isRam(g + GetQuoteBufferLayout.DATA_OFFSET - 1)) {
            reject(exit, "vmm.getquote.unreadable", INVALID_OPERAND);
            return;
        }
        long version = m.readLong(g + GetQuoteBufferLayout.VERSION_OFFSET);
        long inLen = m.readInt(g + GetQuoteBufferLayout.IN_LEN_OFFSET) & 0xFFFF_FFFFL;
        if (version != GetQuoteBufferLayout.STRUCTURE_VERSION) {
            reject(exit, "vmm.getquote.version", INVALID_OPERAND);
            return;
        }
        if (Long.compareUnsigned(size, GetQuoteBufferLayout.MAX_BUFFER_SIZE) > 0) {
            reject(exit, "vmm.getquote.too-large", INVALID_OPERAND);
            return;
        }
        if (inLen > size - GetQuoteBufferLayout.DATA_OFFSET || !m.isRam(g + size - 1)) {
            reject(exit, "vmm.getquote.in-len", INVALID_OPERAND);
            return;
        }
        if (!host.settings().quoteServiceAvailable()) {
            m.writeLong(g + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.SERVICE_UNAVAILABLE.raw());
            m.writeInt(g + GetQuoteBufferLayout.OUT_LEN_OFFSET, 0);
            exit.setStatus(SUCCESS);
            return;
        }
        if (quotesInFlight >= GetQuoteBufferLayout.MAX_REQUESTS_IN_FLIGHT) {
            exit.setStatus(RETRY);
            return;
        }
        // Deviation: the request data goes to the quoting service as is: the raw TDREPORT that the Linux driver
        // puts there. QEMU wraps it in a QGS GET_QUOTE_REQ message for its socket, and libtdx_attest's legacy mode
        // puts a whole QGS message in the buffer, which this service rejects (GET_QUOTE_ERROR).
        // qemu/qemu target/i386/kvm/tdx-quote-generator.c.
        byte[] request = new byte[(int) inLen];
        m.read(g + GetQuoteBufferLayout.DATA_OFFSET, request, 0, request.length);
        m.writeLong(g + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.IN_FLIGHT.raw());
        quotesInFlight++;
        host.schedule(host.nanoTime() + host.settings().quoteLatencyNanos(), () -> completeQuote(g, size, request));
        exit.setStatus(SUCCESS);
    }

    /** QEMU {@code tdx_get_quote_completion}: quote and out_len, then the status word, then the notification. */
    private void completeQuote(long g, long size, byte[] request) {
        quotesInFlight--;
        HostMemory m = host.memory();
        long status;
        int outLen = 0;
        try {
            byte[] quote = host.quoteService().getQuote(request);
            if (quote.length > size - GetQuoteBufferLayout.DATA_OFFSET) {
                status = GetQuoteStatus.ERROR.raw();
            } else {
                m.write(g + GetQuoteBufferLayout.DATA_OFFSET, quote, 0, quote.length);
                outLen = quote.length;
                status = GetQuoteStatus.SUCCESS.raw();
            }
        } catch (QuoteGenerationException e) {
            status = GetQuoteStatus.ERROR.raw();
        }
        m.writeInt(g + GetQuoteBufferLayout.OUT_LEN_OFFSET, outLen);
        m.writeLong(g + GetQuoteBufferLayout.STATUS_OFFSET, status);
        if (notifyVector != 0) {
            host.injectInterrupt(notifyVcpu, notifyVector);
        }
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
        notifyVector = (int) vector;
        notifyVcpu = exit.vcpuIndex();
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

    private record PortRange(int first, int count, PortDevice device) {
    }

    private record MmioRange(long base, long size, MmioDevice device) {
    }
}
