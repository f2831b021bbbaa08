package io.github.tdx4j.sim;

import io.github.tdx4j.abi.OperandId;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.platform.InterruptHandler;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.sim.qgs.QuoteGenerationSocket;
import io.github.tdx4j.sim.quote.QuoteGenerationService;
import io.github.tdx4j.sim.quote.SimulatedQuotingService;
import io.github.tdx4j.sim.vmm.Host;
import io.github.tdx4j.sim.vmm.HostMemory;
import io.github.tdx4j.sim.vmm.Vmm;
import io.github.tdx4j.sim.vmm.VmmFactory;
import java.util.Objects;

/**
 * A simulated Intel TDX platform running one TD: the TDX module, the host VMM (KVM + QEMU by default), guest
 * memory, the vCPUs, the devices and the quote generation service. It is the {@link GuestPlatform} guest services
 * run on; {@link #transport()} is the TDCALL seam of vCPU 0.
 *
 * <pre>{@code
 * SimulatedTd td = SimulatedTd.boot();                 // production TD, strict settings, honest VMM
 * TdxCalls calls = new TdxCalls(td.transport());
 * ModuleCallResult info = calls.tdcallOrPanic(TdcallLeaf.TDG_VP_INFO, 0, 0, 0, 0, 0, 0);
 * }</pre>
 *
 * <p>Deterministic: the seed of {@link SimSettings} drives every key and MAC; time is simulated and advances only
 * in {@link #sleep}, in HLT, and as host work scheduled for a moment runs. Thread-safe by one lock around every
 * entry point: a TD runs one thing at a time, like a single physical CPU.
 */
// Deviation: one lock serialises the whole TD, so vCPUs never run concurrently, no TDCALL is ever interrupted
// (TDX_INTERRUPTED_RESUMABLE) and no lock is contended (TDX_OPERAND_BUSY comes only from Host#holdSeptLock).
// TDX Module ABI v1.5, "TDCALL Instruction (Common)" (interruptible leaves).
public final class SimulatedTd implements GuestPlatform {
    /** The highest vector a VMM cannot post: 0..30 are refused by the TDX module. */
    static final int MAX_UNPOSTABLE_VECTOR = 30;

    final Object lock = new Object();
    final TdConfig config;
    final SimSettings settings;
    final TdMemory memory;
    final GuestMemory guestMemory;
    final HostMemory hostMemory;
    final SimCounters counters;
    final TdxModuleModel module;
    final ReportFactory reports;
    final CpuidModel cpuid;
    final Vmm vmm;
    private final Vcpu[] vcpus;
    private final HostImpl host = new HostImpl();
    private final NanoClock clock = this::nanoTime;

    private final SimClock time = new SimClock();
    private final StringBuilder console = new StringBuilder();
    private SimulatedQuotingService quoteService;
    private volatile QuoteGenerationSocket qgsSocket;
    volatile VeHandler veHandler;
    private volatile InterruptHandler interruptHandler;
    private StopReason stopReason;

    private SimulatedTd(TdConfig config, SimSettings settings, VmmFactory vmmFactory) {
        this.config = Objects.requireNonNull(config, "config");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.memory = new TdMemory(config);
        this.guestMemory = memory.new GuestView();
        this.hostMemory = memory.new HostView();
        this.counters = new SimCounters(lock);
        this.module = new TdxModuleModel(this);
        this.reports = new ReportFactory(config, settings.seed());
        this.cpuid = new CpuidModel(config);
        this.vcpus = new Vcpu[config.vcpus()];
        for (int i = 0; i < vcpus.length; i++) {
            vcpus[i] = new Vcpu(this, i);
        }
        this.vmm = Objects.requireNonNull(vmmFactory.create(host), "the VMM factory returned null");
    }

    /** A production TD ({@link TdConfig#production()}) with strict settings and the honest VMM. */
    public static SimulatedTd boot() {
        return boot(TdConfig.production(), SimSettings.strict(), VmmFactory.HONEST);
    }

    public static SimulatedTd boot(TdConfig config) {
        return boot(config, SimSettings.strict(), VmmFactory.HONEST);
    }

    public static SimulatedTd boot(TdConfig config, SimSettings settings) {
        return boot(config, settings, VmmFactory.HONEST);
    }

    /** A TD whose host is the VMM {@code vmmFactory} creates (a hostile VMM, for example). */
    public static SimulatedTd boot(TdConfig config, SimSettings settings, VmmFactory vmmFactory) {
        return new SimulatedTd(config, settings, vmmFactory);
    }

    // ---- GuestPlatform ----

    /** The TDCALL seam of vCPU 0. */
    @Override
    public TdxTransport transport() {
        return vcpus[0].transport();
    }

    @Override
    public GuestMemory memory() {
        return guestMemory;
    }

    @Override
    public NanoClock clock() {
        return clock;
    }

    /**
     * Lets {@code nanos} of simulated time pass: host work scheduled in that window runs in time order (quote
     * completions and the interrupts they inject), then pending interrupts are delivered to the guest's handler.
     */
    @Override
    public void sleep(long nanos) throws InterruptedException {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos must be >= 0: " + nanos);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("sleep interrupted");
        }
        synchronized (lock) {
            ensureRunning();
            time.advanceTo(time.now() + nanos, () -> false);
            for (Vcpu v : vcpus) {
                v.deliverInterrupts();
            }
            ensureRunning();
        }
    }

    @Override
    public void setVeHandler(VeHandler handler) {
        this.veHandler = handler;
    }

    @Override
    public void setInterruptHandler(InterruptHandler handler) {
        this.interruptHandler = handler;
    }

    // ---- the rest of the public API ----

    public TdConfig config() {
        return config;
    }

    public SimSettings settings() {
        return settings;
    }

    /** vCPU {@code index} (0..vcpus−1). */
    public Vcpu vcpu(int index) {
        return vcpus[Objects.checkIndex(index, vcpus.length)];
    }

    /** vCPU 0. */
    public Vcpu vcpu() {
        return vcpus[0];
    }

    public SimCounters counters() {
        return counters;
    }

    /** The VMM serving this TD. */
    public Vmm vmm() {
        return vmm;
    }

    /** The host's side of the platform, as handed to the VMM; tests use it to play host actions. */
    public Host host() {
        return host;
    }

    /** Everything the TD wrote to its serial console (the UART at 0x3F8), as ISO-8859-1 text. */
    public String console() {
        synchronized (lock) {
            return console.toString();
        }
    }

    /** Why the TD stopped, or null while it runs. */
    public StopReason stopReason() {
        synchronized (lock) {
            return stopReason;
        }
    }

    public boolean isStopped() {
        return stopReason() != null;
    }

    /**
     * The platform's quote generation service, created on first use (key and certificate generation takes tens of
     * milliseconds, which a TD that never asks for a quote does not pay). Its {@code collateral()} and {@code pki()}
     * are what a verifier of this platform's quotes needs.
     */
    public SimulatedQuotingService quotingService() {
        synchronized (lock) {
            if (quoteService == null) {
                quoteService = new SimulatedQuotingService(settings.seed(), settings.quoteVersion(),
                        reports::verifyReport);
            }
            return quoteService;
        }
    }

    /**
     * Sends this platform's GetQuote requests to {@code socket}, as QEMU's {@code quote-generation-socket} option
     * does: for example a {@link io.github.tdx4j.sim.qgs.UnixQuoteGenerationSocket} to a
     * {@link io.github.tdx4j.sim.qgs.SimulatedQgsServer} over {@link #quotingService()}. Without it, requests go to
     * the simulated QGS in-process. A VMM that brings its own host (the adversarial one) keeps the in-process QGS.
     */
    public void useQuoteGenerationSocket(QuoteGenerationSocket socket) {
        this.qgsSocket = Objects.requireNonNull(socket, "socket");
    }

    /** The current value of RTMR {@code index} (what TDG.MR.REPORT would report). */
    public byte[] rtmr(int index) {
        synchronized (lock) {
            return reports.rtmr(Objects.checkIndex(index, TdReportLayout.RTMR_COUNT));
        }
    }

    /** Simulated time, nanoseconds since boot. */
    public long nanoTime() {
        synchronized (lock) {
            return time.now();
        }
    }

    // ---- package-private services for the module and the vCPUs ----

    void ensureRunning() {
        if (stopReason != null) {
            throw new TdStopped(stopReason);
        }
    }

    /** Records the first stop reason and returns the error to throw. */
    TdStopped stop(StopReason reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        return new TdStopped(stopReason);
    }

    /** A private GPA: within GPAW with the shared bit clear. */
    boolean isPrivateGpa(long gpa) {
        return memory.withinGpaw(gpa) && (gpa & memory.sharedBit()) == 0;
    }

    void deliverInterrupt(int vector) {
        InterruptHandler h = interruptHandler;
        if (h == null) {
            counters.violation("guest.interrupt.no-handler");
            return;
        }
        h.onInterrupt(vector);
    }

    private final class HostImpl implements Host {
        @Override
        public TdConfig config() {
            return config;
        }

        @Override
        public SimSettings settings() {
            return settings;
        }

        @Override
        public HostMemory memory() {
            return hostMemory;
        }

        @Override
        public long nanoTime() {
            return time.now();
        }

        @Override
        public void schedule(long atNanos, Runnable action) {
            synchronized (lock) {
                time.schedule(atNanos, action);
            }
        }

        @Override
        public void idle(int vcpu, long maxNanos) {
            synchronized (lock) {
                if (vcpus[vcpu].hasPendingInterrupt()) {
                    return;
                }
                Vcpu v = vcpus[vcpu];
                time.advanceTo(time.now() + Math.max(0, maxNanos), v::hasPendingInterrupt);
            }
        }

        @Override
        public void convert(long gpa, long bytes, boolean shared) {
            synchronized (lock) {
                memory.convert(gpa, bytes, shared);
            }
        }

        @Override
        public void augPrivate(long gpa, PageLevel level) {
            synchronized (lock) {
                memory.augPrivate(gpa, level);
            }
        }

        @Override
        public void demotePrivate(long gpa) {
            synchronized (lock) {
                memory.demotePrivate(gpa);
            }
        }

        @Override
        public void injectInterrupt(int vcpu, int vector) {
            if (vector < 0 || vector > 255) {
                throw new IllegalArgumentException("vector must be 0..255: " + vector);
            }
            synchronized (lock) {
                if (vector <= MAX_UNPOSTABLE_VECTOR) {
                    // The TDX module does not let the host post vectors 0..30 (the exception vectors), so a VMM cannot
                    // raise #VE (20) or #PF at will. Intel TDX Guest Hardening, security-spec.rst, "Interrupt handling".
                    counters.violation("module.interrupt.vector");
                    return;
                }
                vcpus[Objects.checkIndex(vcpu, vcpus.length)].post(vector);
            }
        }

        @Override
        public boolean hasPendingInterrupt(int vcpu) {
            synchronized (lock) {
                return vcpus[vcpu].hasPendingInterrupt();
            }
        }

        @Override
        public boolean verifyReport(byte[] report) {
            synchronized (lock) {
                return reports.verifyReport(report);
            }
        }

        @Override
        public QuoteGenerationService quoteService() {
            return quotingService();
        }

        @Override
        public QuoteGenerationSocket quoteGenerationSocket() {
            QuoteGenerationSocket s = qgsSocket;
            return s != null ? s : Host.super.quoteGenerationSocket();
        }

        @Override
        public void console(int b) {
            synchronized (lock) {
                console.append((char) (b & 0xFF));
            }
        }

        @Override
        public void violation(String rule) {
            synchronized (lock) {
                counters.violation(rule);
            }
        }

        @Override
        public void stop(StopReason reason) {
            synchronized (lock) {
                SimulatedTd.this.stop(reason);
            }
        }

        @Override
        public void holdSeptLock(long gpa, boolean held) {
            synchronized (lock) {
                memory.holdSeptLock(gpa, held);
            }
        }
    }
}
