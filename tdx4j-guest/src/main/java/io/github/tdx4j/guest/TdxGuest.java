package io.github.tdx4j.guest;

import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxIdentity;
import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.ModuleCallResult;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPolicyPanic;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.policy.FailureHandler;
import io.github.tdx4j.call.trace.CheckingTransport;
import io.github.tdx4j.call.trace.TracingTransport;
import io.github.tdx4j.guest.attest.GuestAttestation;
import io.github.tdx4j.guest.io.DirectPortIo;
import io.github.tdx4j.guest.memory.GuestPages;
import io.github.tdx4j.guest.memory.MapGpa;
import io.github.tdx4j.guest.memory.PageAcceptor;
import io.github.tdx4j.guest.memory.SharedMemory;
import io.github.tdx4j.guest.ve.TdxVeHandler;
import io.github.tdx4j.guest.ve.VeTrace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A booted TDX guest: early initialisation done the way Linux {@code tdx_early_init} does it, the #VE handler
 * registered, and the services on the call layer.
 *
 * <p>Boot, in Linux's order (arch/x86/coco/tdx/tdx.c):
 * <ol>
 *   <li>CPUID leaf 0x21 must return "IntelTDX    " in EBX, EDX, ECX;</li>
 *   <li>TDG.VP.INFO (must succeed): GPAW gives the shared bit, {@code 1 << (GPAW - 1)}; RDX the attributes;</li>
 *   <li>TDG.VM.WR NOTIFY_ENABLES := 0, so the VMM cannot make the module notify the guest of EPT events;</li>
 *   <li>SEPT #VE: without CONFIG_FLAGS.FLEXIBLE_PENDING_VE the attribute SEPT_VE_DISABLE is required unless the TD
 *       is DEBUG, otherwise ReportFatalError "TD misconfiguration: SEPT #VE has to be disabled" and stop; with it,
 *       TD_CTLS.PENDING_VE_DISABLE is set unless already set or DEBUG;</li>
 *   <li>TD_CTLS.REDUCE_VE via TDG.VM.WR, falling back to ENUM_TOPOLOGY when the host configured topology
 *       enumeration;</li>
 *   <li>the #VE handler and the interrupt dispatch are registered with the platform.</li>
 * </ol>
 *
 * <p>Services depend only on the {@link GuestPlatform} seam. Not thread-safe for boot; the services are
 * thread-safe as documented on each.
 */
public final class TdxGuest {
    private final GuestPlatform platform;
    private final GuestConfig config;
    private final TdxCalls calls;
    private final FailureHandler failures;
    private final TdInfo info;
    private final TdxVeHandler veHandler;
    private final PageAcceptor acceptor;
    private final GuestPages pages;
    private final SharedMemory shared;
    private final DirectPortIo portIo;
    private final FatalErrorReporter fatal;
    private final AtomicLong interrupts = new AtomicLong();
    private volatile GuestAttestation attestation;

    private TdxGuest(GuestPlatform platform, GuestConfig config, TdxCalls calls, FailureHandler failures,
                     TdInfo info, VeTrace trace) {
        this.platform = platform;
        this.config = config;
        this.calls = calls;
        this.failures = failures;
        this.info = info;
        this.veHandler = new TdxVeHandler(calls, failures, trace, info.sharedMask(), info.septVeDisabled());
        this.acceptor = new PageAcceptor(calls, failures);
        this.pages = new GuestPages(config.poolBase(), config.poolBytes());
        this.shared = new SharedMemory(new MapGpa(calls, info.sharedMask()), acceptor, pages, failures,
                info.sharedMask());
        this.portIo = new DirectPortIo(calls, failures);
        this.fatal = new FatalErrorReporter(calls, failures);
    }

    /** Whether CPUID leaf 0x21 identifies a TD: "IntelTDX    " in EBX, EDX, ECX (Linux {@code early_tdx_detect}). */
    public static boolean isTd(CpuidInstruction cpuid) {
        CpuidInstruction.Result r = cpuid.execute(TdxIdentity.CPUID_LEAF_ID, 0);
        byte[] sig = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(r.ebx()).putInt(r.edx()).putInt(r.ecx()).array();
        return new String(sig, StandardCharsets.US_ASCII).equals(TdxIdentity.IDENT);
    }

    /**
     * Detects TDX and runs early initialisation.
     *
     * @throws GuestBugException                      if CPUID does not identify a TD
     * @throws TdxPolicyPanic                         on a TD the guest must not run in (SEPT #VE enabled in a
     *                                                 non-debug TD), or a TDX-module failure of TDG.VP.INFO
     */
    public static TdxGuest boot(GuestPlatform platform, CpuidInstruction cpuid, GuestConfig config) {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(config, "config");
        if (!isTd(cpuid)) {
            throw new GuestBugException("tdx.init.not-a-td",
                    "CPUID leaf 0x21 does not return \"IntelTDX    \": this is not a TD");
        }
        FailureHandler failures = new FailureHandler(config.policy(), platform.clock(), config.log());
        VeTrace trace = new VeTrace(config.trace());
        TdxTransport t = platform.transport();
        if (config.checking()) {
            t = new CheckingTransport(t);
        }
        TdxCalls calls = new TdxCalls(new TracingTransport(t, trace));

        // TDG.VP.INFO: TDX Module ABI v1.5, "TDG.VP.INFO Leaf". No legitimate reason to fail.
        ModuleCallResult vp = calls.tdcallOrPanic(TdcallLeaf.TDG_VP_INFO, 0, 0, 0, 0, 0, 0);
        int gpaw = (int) (vp.rcx() & 0x3F);
        if (gpaw != 48 && gpaw != 52) {
            throw failures.fatal(TdxFailure.sensitive(Origin.TDX_MODULE, "tdx.init.gpaw",
                    "TDG.VP.INFO reported GPAW " + gpaw + "; a TD has 48 or 52"));
        }
        long sharedMask = 1L << (gpaw - 1);
        TdAttributes attributes = new TdAttributes(vp.rdx());

        // TDCS.NOTIFY_ENABLES := 0 (mask all ones). Linux ignores the status; a failure is reported, not fatal.
        boolean notifyCleared = vmWrite(calls, TdcsField.NOTIFY_ENABLES, 0, -1L);
        if (!notifyCleared) {
            failures.report(TdxFailure.of(Origin.TDX_MODULE, "tdx.init.notify-enables",
                    "TDG.VM.WR NOTIFY_ENABLES := 0 failed"));
        }
        FatalErrorReporter fatal = new FatalErrorReporter(calls, failures);
        boolean septVeDisabled = disableSeptVe(calls, failures, fatal, attributes);
        boolean reduceVe = vmWrite(calls, TdcsField.TD_CTLS, TdcsField.TD_CTLS_REDUCE_VE,
                TdcsField.TD_CTLS_REDUCE_VE);
        boolean enumTopology = false;
        if (!reduceVe) {
            // REDUCE_VE includes ENUM_TOPOLOGY; only when it is refused, try ENUM_TOPOLOGY alone, and only if the host
            // configured topology enumeration (TDCS.TOPOLOGY_ENUM_CONFIGURED).
            ModuleCallResult configured = calls.tdcall(TdcallLeaf.TDG_VM_RD, 0,
                    TdcsField.TOPOLOGY_ENUM_CONFIGURED.raw(), 0, 0, 0, 0);
            if (!configured.isError() && configured.r8() != 0) {
                enumTopology = vmWrite(calls, TdcsField.TD_CTLS, TdcsField.TD_CTLS_ENUM_TOPOLOGY,
                        TdcsField.TD_CTLS_ENUM_TOPOLOGY);
            }
        }
        TdInfo info = new TdInfo(gpaw, sharedMask, attributes, (int) vp.r8(), (int) (vp.r8() >>> 32), (int) vp.r9(),
                septVeDisabled, notifyCleared, reduceVe, enumTopology);
        TdxGuest guest = new TdxGuest(platform, config, calls, failures, info, trace);
        platform.setVeHandler(guest.veHandler);
        platform.setInterruptHandler(guest::onInterrupt);
        return guest;
    }

    /**
     * Linux {@code disable_sept_ve}: makes sure an EPT violation on a pending private page cannot raise #VE, which
     * would let the VMM inject #VEs at chosen instructions by removing pages (the SYSCALL-gap attack).
     *
     * @return whether SEPT #VE is now disabled
     */
    private static boolean disableSeptVe(TdxCalls calls, FailureHandler failures, FatalErrorReporter fatal,
                                         TdAttributes attributes) {
        ModuleCallResult flags = calls.tdcall(TdcallLeaf.TDG_VM_RD, 0, TdcsField.CONFIG_FLAGS.raw(), 0, 0, 0, 0);
        boolean flexible = !flags.isError() && (flags.r8() & TdcsField.CONFIG_FLEXIBLE_PENDING_VE) != 0;
        if (!flexible) {
            if (attributes.septVeDisable()) {
                return true;
            }
            if (attributes.debug()) {
                failures.report(TdxFailure.of(Origin.VMM, "tdx.init.sept-ve-debug",
                        "Debug TD with SEPT #VE enabled: the VMM can inject #VE by removing private pages"));
                return false;
            }
            // The one fatal VMM failure, at boot only (see Origin): the host launched a misconfigured TD, and running
            // it would let the host inject #VE at chosen instructions. Linux disable_sept_ve panics the same way.
            throw fatal.report(TdxFailure.sensitive(Origin.VMM, "tdx.init.sept-ve",
                    "TD misconfiguration: SEPT #VE has to be disabled"));
        }
        ModuleCallResult ctls = calls.tdcall(TdcallLeaf.TDG_VM_RD, 0, TdcsField.TD_CTLS.raw(), 0, 0, 0, 0);
        if (!ctls.isError() && (ctls.r8() & TdcsField.TD_CTLS_PENDING_VE_DISABLE) != 0) {
            return true;
        }
        if (attributes.debug()) {
            return false; // a debug TD keeps #VEs for splats
        }
        if (!vmWrite(calls, TdcsField.TD_CTLS, TdcsField.TD_CTLS_PENDING_VE_DISABLE,
                TdcsField.TD_CTLS_PENDING_VE_DISABLE)) {
            // Linux ignores this status; a non-debug TD left with SEPT #VE enabled is the same misconfiguration
            // as above, so it stops the same way.
            throw fatal.report(TdxFailure.sensitive(Origin.TDX_MODULE, "tdx.init.sept-ve",
                    "TD misconfiguration: SEPT #VE has to be disabled (TD_CTLS.PENDING_VE_DISABLE refused)"));
        }
        return true;
    }

    /** TDG.VM.WR (TDX Module ABI v1.5, "TDG.VM.WR Leaf"): RDX = field, R8 = value, R9 = write mask. */
    private static boolean vmWrite(TdxCalls calls, TdcsField field, long value, long mask) {
        return !calls.tdcall(TdcallLeaf.TDG_VM_WR, 0, field.raw(), value, mask, 0, 0).isError();
    }

    private void onInterrupt(int vector) {
        interrupts.incrementAndGet();
        GuestAttestation a = attestation;
        if (a != null && vector == a.options().notifyVector()) {
            a.onNotifyInterrupt();
        }
    }

    // ---------------------------------------------------------------- services

    public TdInfo info() {
        return info;
    }

    public GuestPlatform platform() {
        return platform;
    }

    /** The call layer, traced and checked as configured. */
    public TdxCalls calls() {
        return calls;
    }

    public FailureHandler failures() {
        return failures;
    }

    /** The registered #VE handler. */
    public TdxVeHandler veHandler() {
        return veHandler;
    }

    /**
     * Accepts {@code [start, end)} (1G, then 2M, then 4K pages) or stops the TD ("TDX: Failed to accept memory").
     */
    public PageAcceptor.Accepted acceptMemory(long start, long end) {
        return acceptor.acceptOrPanic(start, end);
    }

    public PageAcceptor acceptor() {
        return acceptor;
    }

    /** The page pool of {@link GuestConfig#poolBase()}, with its quarantine. */
    public GuestPages pages() {
        return pages;
    }

    /** Private↔shared conversion (MapGPA). */
    public SharedMemory sharedMemory() {
        return shared;
    }

    /** Port I/O without #VE (the early-boot path). */
    public DirectPortIo portIo() {
        return portIo;
    }

    /** TDREPORT, RTMR extend and GetQuote; takes its scratch page from the pool on first use. */
    public GuestAttestation attestation() {
        GuestAttestation a = attestation;
        if (a == null) {
            synchronized (this) {
                a = attestation;
                if (a == null) {
                    a = new GuestAttestation(platform, calls, failures, shared, pages, config.quote());
                    attestation = a;
                }
            }
        }
        return a;
    }

    /**
     * Linux {@code tdx_safe_halt}: TDG.VP.VMCALL&lt;Instruction.HLT&gt; with R12 = 0 (interrupts will be enabled), so
     * the VMM wakes the vCPU when an interrupt is pending. Returns when the VMM resumes the vCPU.
     *
     * @return whether the VMM accepted the halt; a refusal is reported (Linux: WARN_ONCE "HLT instruction emulation
     *         failed")
     */
    public boolean safeHalt() {
        VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_HLT, 0, 0, 0, 0));
        if (r instanceof VmcallResult.Success) {
            return true;
        }
        failures.report(TdxFailure.of(Origin.VMM, "tdx.halt.vmm-error",
                "HLT instruction emulation failed: " + r.status()));
        return false;
    }

    /** Interrupts the VMM injected so far. */
    public long interruptsReceived() {
        return interrupts.get();
    }

    /** ReportFatalError with the failure's detail, then the panic to throw. */
    public TdxPolicyPanic reportFatalError(TdxFailure failure) {
        return fatal.report(failure);
    }
}
