package io.github.tdx4j.sim.adversary;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.VmcallOutputs;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.quote.QuoteGenerationService;
import io.github.tdx4j.sim.vmm.HonestVmm;
import io.github.tdx4j.sim.vmm.Host;
import io.github.tdx4j.sim.vmm.VmcallExit;
import io.github.tdx4j.sim.vmm.Vmm;
import io.github.tdx4j.sim.vmm.VmmFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A hostile VMM driven by a fault tape: KVM + QEMU ({@link HonestVmm}) answer first, then at every host-to-guest
 * input point ({@link InputSite}) the next tape decision may replace the answer: R10, the output registers, every
 * other register, what MapGPA converts, the GetQuote header and completion time, interrupts and their timing, and
 * whether a private page gets mapped. When the tape ends the VMM is honest.
 *
 * <p>Everything goes through the same seams a real host has: the VMM's copy of the registers (the TDX module copies
 * back only what the guest exposed), shared memory, conversions, interrupt injection and scheduling through
 * {@link Host}. The honest VMM is given a {@link Host} wrapper so the adversary sees its GetQuote completions, and
 * optionally a cheaper {@link QuoteGenerationService}.
 */
public final class AdversarialVmm implements Vmm {
    /** The deadline the adversary aims at: Linux's getquote_timeout, 30 s. */
    public static final long LINUX_QUOTE_TIMEOUT_NANOS = 30_000_000_000L;
    /** The vector injected for {@link Fault#IRQ_NOTIFY} when the guest registered none. */
    public static final int DEFAULT_NOTIFY_VECTOR = 0xF3;

    private static final long SUCCESS = TdvmcallStatus.SUCCESS.raw();
    private static final long RETRY = TdvmcallStatus.RETRY.raw();
    private static final long INVALID_OPERAND = TdvmcallStatus.INVALID_OPERAND.raw();
    private static final long PAGE = 4096;

    private final Host host;
    private final Adversary adversary;
    private final WatchedHost watched;
    private final HonestVmm honest;
    private final long sharedBit;
    private final long[] lastAnswer = new long[16];
    private int notifyVector;

    private AdversarialVmm(Host host, Adversary adversary, QuoteGenerationService quotes) {
        this.host = host;
        this.adversary = adversary;
        this.sharedBit = host.config().sharedBit();
        this.watched = new WatchedHost(host, adversary, quotes);
        this.honest = new HonestVmm(watched);
    }

    /**
     * A factory for {@link io.github.tdx4j.sim.SimulatedTd#boot(TdConfig, SimSettings, VmmFactory)}.
     *
     * @param adversary the run's decisions
     * @param quotes    the quote generation service the honest part uses; null for the platform's own
     */
    public static VmmFactory factory(Adversary adversary, QuoteGenerationService quotes) {
        Objects.requireNonNull(adversary, "adversary");
        return host -> new AdversarialVmm(host, adversary, quotes);
    }

    /** The registers of the last TDVMCALL answer as the VMM left them (before the module's filter). */
    public long answer(Gpr gpr) {
        return lastAnswer[gpr.number()];
    }

    /**
     * What the adversary does around the honest answer to one sub-function; {@code r12} and {@code r13} are the
     * guest's inputs, read before the honest VMM overwrites them.
     */
    @FunctionalInterface
    private interface ExitHandler {
        void handle(VmcallExit exit, long r12, long r13);
    }

    /** The sub-functions with input sites of their own; any other exit gets the honest answer, then garbage. */
    private final Map<TdvmcallSubFunction, ExitHandler> handlers = Map.ofEntries(
            Map.entry(TdvmcallSubFunction.INSTRUCTION_CPUID, this::instructionCpuid),
            Map.entry(TdvmcallSubFunction.INSTRUCTION_HLT, this::instructionHlt),
            Map.entry(TdvmcallSubFunction.INSTRUCTION_IO, this::instructionIo),
            Map.entry(TdvmcallSubFunction.INSTRUCTION_RDMSR, this::instructionRdmsr),
            Map.entry(TdvmcallSubFunction.INSTRUCTION_WRMSR, this::instructionWrmsr),
            Map.entry(TdvmcallSubFunction.VE_REQUEST_MMIO, this::veRequestMmio),
            Map.entry(TdvmcallSubFunction.MAP_GPA, this::mapGpa),
            Map.entry(TdvmcallSubFunction.GET_QUOTE, this::getQuote),
            Map.entry(TdvmcallSubFunction.REPORT_FATAL_ERROR, this::reportFatalError),
            Map.entry(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT, this::setupEventNotifyInterrupt));

    @Override
    public void tdvmcall(VmcallExit exit) {
        adversary.observer().onExit(exit);
        long r10 = exit.r10();
        long fn = exit.r11();
        long r12 = exit.r12();
        long r13 = exit.r13();
        long r14 = exit.r14();
        adversary.trace("exit", r10, fn, r12, r13, r14, exit.r15());
        ExitHandler handler = r10 == 0 ? handlers.get(new TdvmcallSubFunction(fn)) : null;
        if (handler != null) {
            handler.handle(exit, r12, r13);
        } else {
            honest.tdvmcall(exit);
        }
        garbage(exit, r10 == 0 ? VmcallOutputs.of(new TdvmcallSubFunction(fn)) : Set.of());
        for (int i = 0; i < 16; i++) {
            lastAnswer[i] = exit.get(i);
        }
        adversary.trace("answer", exit.r10(), exit.r11(), exit.r12(), exit.r13(), exit.r14(), exit.r15());
        interrupt(exit.vcpuIndex());
    }

    private void instructionCpuid(VmcallExit exit, long r12, long r13) {
        honest.tdvmcall(exit);
        status(exit, InputSite.CPUID_STATUS);
        cpuidOutput(exit);
    }

    private void instructionHlt(VmcallExit exit, long r12, long r13) {
        honest.tdvmcall(exit);
        status(exit, InputSite.HLT_STATUS);
    }

    /** Instruction.IO: R13 is the direction, 0 for IN, whose value the adversary may replace. */
    private void instructionIo(VmcallExit exit, long r12, long r13) {
        honest.tdvmcall(exit);
        status(exit, InputSite.IO_STATUS);
        if (r13 == 0) {
            value(exit, InputSite.IO_IN_VALUE);
        }
    }

    private void instructionRdmsr(VmcallExit exit, long r12, long r13) {
        honest.tdvmcall(exit);
        status(exit, InputSite.RDMSR_STATUS);
        value(exit, InputSite.RDMSR_VALUE);
    }

    private void instructionWrmsr(VmcallExit exit, long r12, long r13) {
        honest.tdvmcall(exit);
        status(exit, InputSite.WRMSR_STATUS);
    }

    /** #VE.RequestMMIO: R13 is the direction, 0 for a read, whose value the adversary may replace. */
    private void veRequestMmio(VmcallExit exit, long r12, long r13) {
        honest.tdvmcall(exit);
        status(exit, InputSite.MMIO_STATUS);
        if (r13 == 0) {
            value(exit, InputSite.MMIO_READ_VALUE);
        }
    }

    /** GetQuote: the honest VMM answers while the adversary knows the buffer, to see its completion. */
    private void getQuote(VmcallExit exit, long r12, long r13) {
        watched.serving(r12, r13, () -> honest.tdvmcall(exit));
        status(exit, InputSite.GETQUOTE_STATUS);
    }

    /** ReportFatalError: a hostile host may answer SUCCESS and let the TD run on. */
    private void reportFatalError(VmcallExit exit, long r12, long r13) {
        Decision d = adversary.decide(InputSite.FATAL_ERROR_RESPONSE);
        if (d.honest()) {
            honest.tdvmcall(exit);
        } else {
            exit.setStatus(SUCCESS);
        }
    }

    private void setupEventNotifyInterrupt(VmcallExit exit, long r12, long r13) {
        honest.tdvmcall(exit);
        status(exit, InputSite.NOTIFY_STATUS);
        if (exit.r10() == SUCCESS) {
            notifyVector = (int) (r12 & 0xFF);
        }
    }

    /** The R10 decision at {@code site}; the guest has no fallback, so a chosen error must make the call fail. */
    private void status(VmcallExit exit, InputSite site) {
        status(exit, adversary.decide(site));
    }

    /** Applies an R10 decision already read (MapGPA reads one decision for both B and C). */
    private void status(VmcallExit exit, Decision d) {
        long s = switch (d.fault()) {
            case STATUS_SUCCESS -> SUCCESS;
            case STATUS_RETRY -> RETRY;
            case STATUS_TWO -> 2;
            case STATUS_INVALID_OPERAND -> INVALID_OPERAND;
            case STATUS_GPA_INUSE -> TdvmcallStatus.GPA_INUSE.raw();
            case STATUS_ALIGN_ERROR -> TdvmcallStatus.ALIGN_ERROR.raw();
            case STATUS_SUBFUNC_UNSUPPORTED -> TdvmcallStatus.SUBFUNC_UNSUPPORTED.raw();
            case STATUS_MAX_POSITIVE -> Long.MAX_VALUE;
            case STATUS_RANDOM -> Long.compareUnsigned(d.value(), 1) <= 0 ? 2 : d.value();
            default -> exit.r10();
        };
        exit.setStatus(s);
        if (!d.honest() && s != SUCCESS) {
            adversary.mustFail(d, "R10 0x" + Long.toHexString(s));
        }
    }

    /** An output-value decision on R11 (IN, RDMSR, MMIO read). Values are well-formed or not, never "failures". */
    private void value(VmcallExit exit, InputSite site) {
        Decision d = adversary.decide(site);
        exit.setR11(tamper(d, exit.r11()));
    }

    private static long tamper(Decision d, long honest) {
        return switch (d.fault()) {
            case VALUE_ALL_ONES -> -1L;
            case VALUE_WIDE -> (honest & 0xFF) | (d.value() & ~0xFFL);
            case VALUE_RANDOM -> d.value();
            case VALUE_ZERO -> 0;
            case VALUE_SIGN -> honest | Long.MIN_VALUE;
            default -> honest;
        };
    }

    private void cpuidOutput(VmcallExit exit) {
        Decision d = adversary.decide(InputSite.CPUID_OUTPUT);
        switch (d.fault()) {
            case CPUID_FORGED_HYPERV -> signature(exit, "Microsoft Hv");
            case CPUID_FORGED_XEN -> signature(exit, "XenVMMXenVMM");
            case CPUID_MAX_LEAF -> {
                exit.setR12(0xFFFF_FFFFL | (d.value() << 32));
                exit.setR13(exit.r13() | (d.value() << 32));
                exit.setR14(exit.r14() | (d.value() & 0xFFFF_FFFF_0000_0000L));
                exit.setR15(exit.r15() | (Long.rotateLeft(d.value(), 17) << 32));
            }
            default -> {
                exit.setR12(tamper(d, exit.r12()));
                exit.setR13(tamper(d, exit.r13()));
                exit.setR14(tamper(d, exit.r14()));
                exit.setR15(tamper(d, exit.r15()));
            }
        }
    }

    private static void signature(VmcallExit exit, String sig) {
        byte[] b = sig.getBytes(StandardCharsets.US_ASCII);
        exit.setR12(0x4000_0005L);
        exit.setR13(le32(b, 0));
        exit.setR14(le32(b, 4));
        exit.setR15(le32(b, 8));
    }

    private static long le32(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
    }

    /** MapGPA: first what the host converts (H), then the status and the resume address (B, C). */
    private void mapGpa(VmcallExit exit, long start, long size) {
        Decision conv = adversary.decide(InputSite.MAPGPA_CONVERSION);
        long g = start & ~sharedBit;
        boolean rangeOk = size > 0 && (g & (PAGE - 1)) == 0 && (size & (PAGE - 1)) == 0
                && host.memory().isRam(g) && host.memory().isRam(g + size - 1);
        switch (conv.fault()) {
            case MAPGPA_LIE_SUCCESS -> exit.setStatus(SUCCESS);
            case MAPGPA_FAIL_AFTER_CONVERT -> {
                honest.tdvmcall(exit);
                exit.setStatus(INVALID_OPERAND);
                exit.setR11(start);
            }
            case MAPGPA_PARTIAL_THEN_FAIL -> {
                if (rangeOk) {
                    host.convert(g, PAGE, (start & sharedBit) != 0);
                }
                exit.setStatus(INVALID_OPERAND);
                exit.setR11(start + PAGE);
            }
            default -> honest.tdvmcall(exit);
        }
        Decision d = adversary.decide(InputSite.MAPGPA_STATUS);
        long end = start + size;
        long resume = switch (d.fault()) {
            case RETRY_NO_PROGRESS -> start;
            case RETRY_NEXT_PAGE -> start + PAGE < end ? start + PAGE : start;
            case RETRY_BELOW_START -> start - PAGE;
            case RETRY_AT_END -> end;
            case RETRY_UNALIGNED -> start + PAGE / 2;
            case RETRY_RANDOM -> d.value();
            default -> Long.MIN_VALUE;
        };
        if (resume != Long.MIN_VALUE || d.fault() == Fault.RETRY_RANDOM) {
            exit.setStatus(RETRY);
            exit.setR11(resume);
            boolean legal = Long.compareUnsigned(resume, start) >= 0 && Long.compareUnsigned(resume, end) < 0
                    && (resume & (PAGE - 1)) == 0;
            if (!legal) {
                adversary.mustFail(d, "RETRY with R11 0x" + Long.toHexString(resume) + " outside the range");
            }
        } else if (d.fault() == Fault.STATUS_RETRY) {
            exit.setStatus(RETRY);
            long r11 = exit.r11();
            if (Long.compareUnsigned(r11, start) < 0 || Long.compareUnsigned(r11, end) >= 0
                    || (r11 & (PAGE - 1)) != 0) {
                adversary.mustFail(d, "RETRY with R11 0x" + Long.toHexString(r11) + " outside the range");
            }
        } else {
            status(exit, d);
        }
        long s = exit.r10();
        if ((conv.fault() == Fault.MAPGPA_FAIL_AFTER_CONVERT || conv.fault() == Fault.MAPGPA_PARTIAL_THEN_FAIL)
                && s != SUCCESS && s != RETRY) {
            // Decided after the status decision, which may have turned the failure into a (lying) success.
            adversary.mustFail(conv, "MapGPA reported R10 0x" + Long.toHexString(s) + " after converting");
        }
    }

    /** D: random values in every register the sub-function does not define as an output (R10 aside). */
    private void garbage(VmcallExit exit, Set<Gpr> outputs) {
        Decision d = adversary.decide(InputSite.EXIT_REGISTERS);
        if (d.fault() != Fault.GARBAGE_REGISTERS) {
            return;
        }
        long v = d.value();
        for (Gpr g : Gpr.values()) {
            if (g != Gpr.R10 && !outputs.contains(g)) {
                v = v * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
                exit.set(g, v);
            }
        }
    }

    /** I: an interrupt after the exit, with a chosen vector and timing. */
    private void interrupt(int vcpu) {
        Decision d = adversary.decide(InputSite.INTERRUPT);
        long v = d.value();
        switch (d.fault()) {
            case IRQ_NOTIFY -> host.injectInterrupt(vcpu, notifyVector != 0 ? notifyVector : DEFAULT_NOTIFY_VECTOR);
            case IRQ_0X80 -> host.injectInterrupt(vcpu, 0x80);
            case IRQ_LOW_VECTOR -> host.injectInterrupt(vcpu, (int) Long.remainderUnsigned(v, 31));
            case IRQ_RANDOM -> host.injectInterrupt(vcpu, 32 + (int) Long.remainderUnsigned(v, 224));
            case IRQ_STORM -> {
                for (int i = 0; i < 64; i++) {
                    host.injectInterrupt(vcpu, 32 + (int) Long.remainderUnsigned(v >>> (i % 32), 224));
                }
            }
            case IRQ_DELAYED -> {
                int vector = 32 + (int) Long.remainderUnsigned(v, 224);
                host.schedule(host.nanoTime() + ((v >>> 8) & 0xFFF_FFFFL), () -> host.injectInterrupt(vcpu, vector));
            }
            default -> { }
        }
    }

    @Override
    public boolean onPrivateEptViolation(long gpa, PageLevel acceptLevel) {
        Decision d = adversary.decide(InputSite.PRIVATE_EPT_VIOLATION);
        adversary.trace("ept", gpa, acceptLevel == null ? -1 : acceptLevel.level());
        if (d.fault() == Fault.EPT_REFUSE) {
            adversary.mustFail(d, "private page 0x" + Long.toHexString(gpa) + " never mapped");
            return false;
        }
        return honest.onPrivateEptViolation(gpa, acceptLevel);
    }
}
