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
import io.github.tdx4j.sim.quote.QuoteGenerationService;
import io.github.tdx4j.sim.quote.SimulatedQuotingService;
import io.github.tdx4j.sim.vmm.Host;
import io.github.tdx4j.sim.vmm.HostMemory;
import io.github.tdx4j.sim.vmm.Vmm;
import io.github.tdx4j.sim.vmm.VmmFactory;
import java.util.HashSet;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

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

    private long now;
    private long eventSequence;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Set<Long> septLocks = new HashSet<>();
    private final StringBuilder console = new StringBuilder();
    private SimulatedQuotingService quoteService;
    volatile VeHandler veHandler;
    private volatile InterruptHandler interruptHandler;
    private StopReason stopReason;

    long tdCtls;
    long notifyEnables;

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
            advanceTo(now + nanos, -1);
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

    /** The current value of RTMR {@code index} (what TDG.MR.REPORT would report). */
    public byte[] rtmr(int index) {
        synchronized (lock) {
            return reports.rtmr(Objects.checkIndex(index, TdReportLayout.RTMR_COUNT));
        }
    }

    /** Simulated time, nanoseconds since boot. */
    public long nanoTime() {
        synchronized (lock) {
            return now;
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

    /** TDX_CTLS.PENDING_VE_DISABLE or ATTRIBUTES.SEPT_VE_DISABLE: an unaccepted page exits to the host, no #VE. */
    boolean pendingVeDisabled() {
        return config.attributes().septVeDisable() || (tdCtls & TdcsField.TD_CTLS_PENDING_VE_DISABLE) != 0;
    }

    /**
     * The Secure EPT walk for a memory operand of a TDCALL leaf: 0 if the private page is accepted, else the
     * status to return. An unmapped page exits to the host first (which may map it pending); if the host maps
     * nothing the TD stops.
     */
    long walkOperand(long gpa, OperandId operand) {
        if (!memory.isRam(gpa)) {
            throw stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "TDCALL memory operand " + operand
                    + " at GPA 0x" + Long.toHexString(gpa) + " outside RAM"));
        }
        long page = gpa >>> TdMemory.PAGE_SHIFT;
        int kind = TdMemory.kind(memory.stateOf(page));
        if (kind == TdMemory.UNMAPPED) {
            // A non-present Secure-EPT entry exits to the host; one that maps nothing leaves the TDCALL faulting.
            if (!vmm.onPrivateEptViolation(gpa & ~(TdMemory.PAGE - 1L), null)) {
                throw stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "the host did not map TDCALL "
                        + "memory operand " + operand + " at private GPA 0x" + Long.toHexString(gpa)));
            }
            ensureRunning();
            kind = TdMemory.kind(memory.stateOf(page));
        }
        if (kind == TdMemory.MAPPED) {
            return 0;
        }
        if (kind != TdMemory.SHARED && pendingVeDisabled()) {
            throw stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "TDCALL memory operand " + operand
                    + " at unaccepted GPA 0x" + Long.toHexString(gpa) + " with SEPT_VE_DISABLE"));
        }
        // Deviation: with #VE enabled the module would inject an EPT-violation #VE for the operand; this model
        // returns TDX_EPT_WALK_FAILED with the operand id instead. TDX Module ABI v1.5, "TDCALL memory operands".
        counters.violation("module.operand.not-accepted");
        return TdxStatus.EPT_WALK_FAILED.raw() | operand.id();
    }

    boolean septLocked(long firstPage, long count) {
        if (septLocks.isEmpty()) {
            return false;
        }
        for (long p : septLocks) {
            if (p >= firstPage && p < firstPage + count) {
                return true;
            }
        }
        return false;
    }

    void deliverInterrupt(int vector) {
        InterruptHandler h = interruptHandler;
        if (h == null) {
            counters.violation("guest.interrupt.no-handler");
            return;
        }
        h.onInterrupt(vector);
    }

    /** Runs every event due by {@code target} in order; stops early once {@code vcpu} (if >= 0) has an interrupt. */
    private void advanceTo(long target, int vcpu) {
        while (!events.isEmpty() && events.peek().at <= target) {
            Event e = events.poll();
            now = Math.max(now, e.at);
            e.action.run();
            if (vcpu >= 0 && vcpus[vcpu].hasPendingInterrupt()) {
                return;
            }
        }
        now = Math.max(now, target);
    }

    private record Event(long at, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
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
            return now;
        }

        @Override
        public void schedule(long atNanos, Runnable action) {
            Objects.requireNonNull(action, "action");
            synchronized (lock) {
                events.add(new Event(Math.max(atNanos, now), eventSequence++, action));
            }
        }

        @Override
        public void idle(int vcpu, long maxNanos) {
            synchronized (lock) {
                if (vcpus[vcpu].hasPendingInterrupt()) {
                    return;
                }
                advanceTo(now + Math.max(0, maxNanos), vcpu);
            }
        }

        @Override
        public void convert(long gpa, long bytes, boolean shared) {
            synchronized (lock) {
                long g = gpa & ~memory.sharedBit();
                if ((g & (TdMemory.PAGE - 1)) != 0 || (bytes & (TdMemory.PAGE - 1)) != 0 || bytes <= 0
                        || !memory.isRam(g) || !memory.isRam(g + bytes - 1)) {
                    throw new IllegalArgumentException("convert needs whole pages of RAM: 0x" + Long.toHexString(gpa)
                            + " + 0x" + Long.toHexString(bytes));
                }
                long first = g >>> TdMemory.PAGE_SHIFT;
                long n = bytes >>> TdMemory.PAGE_SHIFT;
                memory.demotePartialLeaves(first, n);
                if (shared) {
                    memory.discard(false, first, n);
                    memory.discard(true, first, n);
                    memory.setRange(first, n, TdMemory.state(TdMemory.SHARED, 0));
                } else {
                    memory.discard(true, first, n);
                    memory.setRange(first, n, TdMemory.state(TdMemory.UNMAPPED, 0));
                }
            }
        }

        @Override
        public void augPrivate(long gpa, PageLevel level) {
            synchronized (lock) {
                long n = TdMemory.pagesAt(level.level());
                long first = (gpa >>> TdMemory.PAGE_SHIFT) & ~(n - 1);
                if (!memory.isRam(first << TdMemory.PAGE_SHIFT)) {
                    throw new IllegalArgumentException("TDH.MEM.PAGE.AUG outside RAM: 0x" + Long.toHexString(gpa));
                }
                for (long p = first; p < first + n; p++) {
                    int k = TdMemory.kind(memory.stateOf(p));
                    if (k == TdMemory.PENDING || k == TdMemory.MAPPED) {
                        // TDH.MEM.PAGE.AUG fails on a mapped entry (TDX_EPT_ENTRY_STATE_INCORRECT); nothing changes.
                        return;
                    }
                }
                memory.discard(true, first, n);
                memory.setRange(first, n, TdMemory.state(TdMemory.PENDING, level.level()));
            }
        }

        @Override
        public void demotePrivate(long gpa) {
            synchronized (lock) {
                long page = (gpa & ~memory.sharedBit()) >>> TdMemory.PAGE_SHIFT;
                if (!memory.isRam(page << TdMemory.PAGE_SHIFT)) {
                    return;
                }
                int s = memory.stateOf(page);
                int level = TdMemory.level(s);
                if (level == 0) {
                    return;
                }
                long n = TdMemory.pagesAt(level);
                memory.setRange(page & ~(n - 1), n, TdMemory.state(TdMemory.kind(s), 0));
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
                long page = (gpa & ~memory.sharedBit()) >>> TdMemory.PAGE_SHIFT;
                if (held) {
                    septLocks.add(page);
                } else {
                    septLocks.remove(page);
                }
            }
        }
    }
}
