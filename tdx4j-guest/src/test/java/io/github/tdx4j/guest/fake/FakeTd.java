package io.github.tdx4j.guest.fake;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.abi.VeInfo;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.InterruptHandler;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.platform.VeOutcome;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.policy.NanoClock;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A small TDX module + VMM + platform for unit tests of the guest services: the module leaves the services use,
 * implemented from the ABI text (not from the services), and a VMM whose TDVMCALL answers each test scripts per
 * sub-function. Simulated time advances only in {@link #sleep}; work scheduled with {@link #at} runs then.
 */
public final class FakeTd implements TdxTransport, GuestPlatform {
    public final FakeMemory memory = new FakeMemory();
    public int gpaw = 52;
    public TdAttributes attributes = TdAttributes.ofBits(TdAttributes.SEPT_VE_DISABLE_BIT);
    public final Map<Long, Long> tdcs = new HashMap<>();
    /** TD_CTLS bits the module lets the guest set. */
    public long writableTdCtls = TdcsField.TD_CTLS_PENDING_VE_DISABLE | TdcsField.TD_CTLS_ENUM_TOPOLOGY
            | TdcsField.TD_CTLS_REDUCE_VE;
    /** 4K pages (by GPA) added by the VMM and not yet accepted. */
    public final Set<Long> pending = new HashSet<>();
    public final Set<Long> accepted = new HashSet<>();
    /** The largest page level the module accepts at (larger ones answer TDX_PAGE_SIZE_MISMATCH). */
    public PageLevel largestAccept = PageLevel.SIZE_1G;
    public final byte[][] rtmr = new byte[4][48];
    public VeInfo pendingVe;
    /** TDG.VP.INFO R8 (NUM_VCPUS in 31:0, MAX_VCPUS in 63:32) and R9 (VCPU_INDEX in 31:0). */
    public long vpInfoR8 = 1L | (1L << 32);
    public long vpInfoR9;
    /** Module leaves made to fail with the given status. */
    public final Map<TdcallLeaf, Long> failLeaf = new HashMap<>();
    /** TDVMCALL answers by sub-function (R11); the default is TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED. */
    public final Map<Long, UnaryOperator<Registers>> vmm = new HashMap<>();
    /** Every call: input registers, then output registers. */
    public final List<Registers[]> calls = new ArrayList<>();

    private long now;
    private final PriorityQueue<Scheduled> work = new PriorityQueue<>();
    private long seq;
    public VeHandler veHandler;
    public InterruptHandler interruptHandler;

    private record Scheduled(long time, long seq, Runnable task) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }
    }

    public FakeTd() {
        tdcs.put(TdcsField.CONFIG_FLAGS.raw(), 0L);
        tdcs.put(TdcsField.TD_CTLS.raw(), 0L);
        tdcs.put(TdcsField.NOTIFY_ENABLES.raw(), 1L);
        tdcs.put(TdcsField.TOPOLOGY_ENUM_CONFIGURED.raw(), 1L);
        // An honest MapGPA: converts the whole range at once.
        vmm.put(io.github.tdx4j.abi.TdvmcallSubFunction.MAP_GPA.raw(), in -> in.withR10(0));
    }

    public long sharedMask() {
        return 1L << (gpaw - 1);
    }

    /** Marks {@code [start, end)} as added by the VMM and pending acceptance. */
    public FakeTd addPending(long start, long end) {
        for (long a = start; a < end; a += GuestMemory.PAGE_SIZE) {
            pending.add(a);
        }
        return this;
    }

    /** Runs {@code task} when simulated time reaches {@code time}. */
    public void at(long time, Runnable task) {
        work.add(new Scheduled(time, seq++, task));
    }

    /** Delivers a #VE: the module records the information, the CPU enters the guest's handler. */
    public VeOutcome raiseVe(VeInfo ve, FakeVcpu cpu) {
        pendingVe = ve;
        return veHandler.handle(cpu);
    }

    /** The TDVMCALLs made with sub-function {@code fn}, input registers. */
    public List<Registers> vmcalls(long fn) {
        return calls.stream().filter(c -> c[0].rax() == 0 && c[0].r10() == 0 && c[0].r11() == fn)
                .map(c -> c[0]).toList();
    }

    public long countLeaf(TdcallLeaf leaf) {
        return calls.stream().filter(c -> c[0].rax() == leaf.rax()).count();
    }

    // ---------------------------------------------------------------- GuestPlatform

    @Override
    public TdxTransport transport() {
        return this;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public NanoClock clock() {
        return () -> now;
    }

    @Override
    public void sleep(long nanos) {
        long until = now + nanos;
        while (!work.isEmpty() && work.peek().time() <= until) {
            Scheduled s = work.poll();
            now = Math.max(now, s.time());
            s.task().run();
        }
        now = until;
    }

    public long now() {
        return now;
    }

    @Override
    public void setVeHandler(VeHandler handler) {
        this.veHandler = handler;
    }

    @Override
    public void setInterruptHandler(InterruptHandler handler) {
        this.interruptHandler = handler;
    }

    // ---------------------------------------------------------------- the module

    @Override
    public Registers tdcall(Registers in) {
        Registers out = dispatch(in);
        calls.add(new Registers[] {in, out});
        return out;
    }

    private Registers dispatch(Registers in) {
        TdcallLeaf leaf = TdcallLeaf.ofRax(in.rax());
        if (failLeaf.containsKey(leaf)) {
            return Registers.ZERO.withRax(failLeaf.get(leaf));
        }
        if (leaf.equals(TdcallLeaf.TDG_VP_VMCALL)) {
            UnaryOperator<Registers> h = vmm.get(in.r11());
            Registers out = h == null ? in.withR10(TdvmcallStatus.SUBFUNC_UNSUPPORTED.raw()) : h.apply(in);
            return out.withRax(0);
        }
        if (leaf.equals(TdcallLeaf.TDG_VP_INFO)) {
            return Registers.ZERO.withRcx(gpaw).withRdx(attributes.raw()).withR8(vpInfoR8).withR9(vpInfoR9);
        }
        if (leaf.equals(TdcallLeaf.TDG_VP_VEINFO_GET)) {
            VeInfo ve = pendingVe;
            pendingVe = null;
            if (ve == null) {
                return Registers.ZERO.withRax(TdxStatus.NO_VALID_VE_INFO.raw());
            }
            return Registers.ZERO.withRcx(ve.exitReason().raw()).withRdx(ve.exitQualification()).withR8(ve.gla())
                    .withR9(ve.gpa()).withR10(ve.r10());
        }
        if (leaf.equals(TdcallLeaf.TDG_VM_RD)) {
            Long v = tdcs.get(in.rdx());
            return v == null ? Registers.ZERO.withRax(TdxStatus.METADATA_FIELD_ID_INCORRECT.raw())
                    : Registers.ZERO.withRdx(in.rdx()).withR8(v);
        }
        if (leaf.equals(TdcallLeaf.TDG_VM_WR)) {
            Long old = tdcs.get(in.rdx());
            if (old == null) {
                return Registers.ZERO.withRax(TdxStatus.METADATA_FIELD_ID_INCORRECT.raw());
            }
            long mask = in.r9();
            if (in.rdx() == TdcsField.TD_CTLS.raw() && (mask & ~writableTdCtls) != 0) {
                return Registers.ZERO.withRax(TdxStatus.METADATA_FIELD_NOT_WRITABLE.raw());
            }
            tdcs.put(in.rdx(), (old & ~mask) | (in.r8() & mask));
            return Registers.ZERO.withR8(old);
        }
        if (leaf.equals(TdcallLeaf.TDG_MEM_PAGE_ACCEPT)) {
            PageLevel level = PageLevel.ofLevel(in.rcx() & 7);
            long gpa = in.rcx() & ~0xFFFL;
            if (level == null || gpa % level.bytes() != 0) {
                return Registers.ZERO.withRax(TdxStatus.OPERAND_INVALID.withOperand(
                        io.github.tdx4j.abi.OperandId.RCX).raw());
            }
            if (level.level() > largestAccept.level()) {
                return Registers.ZERO.withRax(TdxStatus.PAGE_SIZE_MISMATCH.withDetails(largestAccept.level()).raw());
            }
            for (long a = gpa; a < gpa + level.bytes(); a += GuestMemory.PAGE_SIZE) {
                if (accepted.contains(a)) {
                    return Registers.ZERO.withRax(TdxStatus.PAGE_ALREADY_ACCEPTED.raw());
                }
                if (!pending.contains(a)) {
                    return Registers.ZERO.withRax(TdxStatus.EPT_WALK_FAILED.raw());
                }
            }
            for (long a = gpa; a < gpa + level.bytes(); a += GuestMemory.PAGE_SIZE) {
                pending.remove(a);
                accepted.add(a);
            }
            return Registers.ZERO;
        }
        if (leaf.equals(TdcallLeaf.TDG_MR_REPORT)) {
            byte[] report = new byte[TdReportLayout.SIZE];
            report[TdReportLayout.REPORTTYPE_OFFSET] = TdReportLayout.TYPE_TDX;
            System.arraycopy(memory.read(in.rdx(), 64), 0, report, TdReportLayout.REPORTDATA_OFFSET, 64);
            for (int i = 0; i < 4; i++) {
                System.arraycopy(rtmr[i], 0, report, TdReportLayout.rtmrOffset(i), 48);
            }
            memory.write(in.rcx(), report);
            return Registers.ZERO;
        }
        if (leaf.equals(TdcallLeaf.TDG_MR_RTMR_EXTEND)) {
            if (in.rdx() > 3 || in.rcx() % 64 != 0) {
                return Registers.ZERO.withRax(TdxStatus.OPERAND_INVALID.raw());
            }
            try {
                MessageDigest d = MessageDigest.getInstance("SHA-384");
                d.update(rtmr[(int) in.rdx()]);
                d.update(memory.read(in.rcx(), 48));
                rtmr[(int) in.rdx()] = d.digest();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
            return Registers.ZERO;
        }
        return Registers.ZERO.withRax(TdxStatus.OPERAND_INVALID.raw());
    }

    /** A VMM answer: status in R10, R11 = {@code r11}. */
    public static Registers answer(Registers in, TdvmcallStatus status, long r11) {
        return in.withR10(status.raw()).withR11(r11);
    }
}
