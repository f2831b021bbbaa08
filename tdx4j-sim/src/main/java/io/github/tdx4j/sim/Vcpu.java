package io.github.tdx4j.sim;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.MemoryAccessException;
import io.github.tdx4j.call.platform.VcpuContext;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.platform.VeOutcome;
import java.util.HashMap;
import java.util.Map;

/**
 * One virtual CPU of a simulated TD: a register file and RIP that execute the x86-64 instructions whose handling is
 * the point of TDX (port I/O, HLT, CPUID, RDMSR/WRMSR, MOV to and from memory, WBINVD, VMCALL, TDCALL) from their
 * real encodings, with the TDX module deciding which run natively and which raise #VE.
 *
 * <p>Addressing is identity mapped (linear = guest physical, the shared-bit alias included); segment bases are 0.
 * The register file here is the guest's own; the TDCALL seam ({@link #transport()}) is separate, so Java guest
 * services and x86 code can share a vCPU. Runs hold the TD's lock.
 */
public final class Vcpu {
    private final SimulatedTd td;
    private final int index;
    final long[] gpr = new long[16];
    long rip;
    boolean interruptsEnabled;
    boolean userMode;

    final ExitRegisters exit;

    final VeLatch ve = new VeLatch();

    boolean cpuidVeSupervisor;
    boolean cpuidVeUser;

    /** The virtual APIC's interrupt request register: one bit per vector, highest delivered first. */
    private final long[] irr = new long[4];

    final Map<Long, Long> nativeMsrs = new HashMap<>();
    private final TdxTransport transport;
    private final VcpuContext context = new Context();
    private final X86Interpreter executor;

    Vcpu(SimulatedTd td, int index) {
        this.td = td;
        this.index = index;
        this.exit = new ExitRegisters(index);
        this.executor = new X86Interpreter(this, td);
        this.transport = new TdcallSeam(td, this);
    }

    /** The vCPU index (TDG.VP.INFO R9). */
    public int index() {
        return index;
    }

    /**
     * The TDCALL seam of this vCPU: {@code tdcall(in)} executes TDCALL with {@code in} and returns the register file
     * after it. RSP and RBP do not cross the seam and read as zero to the module.
     */
    public TdxTransport transport() {
        return transport;
    }

    /** This vCPU as a #VE handler sees it. */
    public VcpuContext context() {
        return context;
    }

    public long get(Gpr g) {
        synchronized (td.lock) {
            return gpr[g.number()];
        }
    }

    public void set(Gpr g, long value) {
        synchronized (td.lock) {
            gpr[g.number()] = value;
        }
    }

    public long rip() {
        synchronized (td.lock) {
            return rip;
        }
    }

    public void setRip(long value) {
        synchronized (td.lock) {
            rip = value;
        }
    }

    /** RFLAGS.IF. Off at reset; STI and CLI change it. */
    public boolean interruptsEnabled() {
        synchronized (td.lock) {
            return interruptsEnabled;
        }
    }

    public void setInterruptsEnabled(boolean on) {
        synchronized (td.lock) {
            interruptsEnabled = on;
        }
    }

    /** CPL 3. */
    public boolean userMode() {
        synchronized (td.lock) {
            return userMode;
        }
    }

    public void setUserMode(boolean user) {
        synchronized (td.lock) {
            userMode = user;
        }
    }

    /** Writes {@code code} to accepted private memory at {@code gpa} and runs it until RIP passes its end. */
    public ExecutionResult execute(long gpa, byte[] code) {
        synchronized (td.lock) {
            td.ensureRunning();
            td.guestMemory.write(gpa, code);
            rip = gpa;
            return run(gpa + code.length);
        }
    }

    /**
     * Runs from the current RIP until RIP equals {@code stopRip}, a fault, or the instruction bound. Pending
     * interrupts are delivered before each instruction while RFLAGS.IF is set.
     *
     * @throws TdStopped if the TD stops
     */
    public ExecutionResult run(long stopRip) {
        synchronized (td.lock) {
            td.ensureRunning();
            int max = td.settings.maxInstructionsPerRun();
            long n = 0;
            while (rip != stopRip) {
                if (n >= max) {
                    return new ExecutionResult.StepLimit(n, rip);
                }
                if (interruptsEnabled) {
                    deliverInterrupts();
                }
                long at = rip;
                n++;
                try {
                    executor.step();
                } catch (CpuFault f) {
                    return new ExecutionResult.Faulted(f.fault, f.failure, n, at);
                } catch (MemoryAccessException e) {
                    return new ExecutionResult.Faulted(ExecutionResult.Fault.MEMORY, e.failure(), n, at);
                }
            }
            return new ExecutionResult.Completed(n, rip);
        }
    }

    /** Executes one instruction. */
    public ExecutionResult step() {
        synchronized (td.lock) {
            td.ensureRunning();
            long at = rip;
            try {
                executor.step();
            } catch (CpuFault f) {
                return new ExecutionResult.Faulted(f.fault, f.failure, 1, at);
            } catch (MemoryAccessException e) {
                return new ExecutionResult.Faulted(ExecutionResult.Fault.MEMORY, e.failure(), 1, at);
            }
            return new ExecutionResult.Completed(1, rip);
        }
    }

    // ---- interrupts ----

    void post(int vector) {
        irr[vector >>> 6] |= 1L << (vector & 63);
    }

    boolean hasPendingInterrupt() {
        return (irr[0] | irr[1] | irr[2] | irr[3]) != 0;
    }

    /**
     * Delivers every pending interrupt, highest vector first, to the guest's handler (dropped if none).
     */
    // Deviation: no local APIC model: no TPR/PPR priority, no EOI, no in-service state; a vector posted twice
    // before delivery is delivered once (one IRR bit). Intel SDM Vol. 3A, "Advanced Programmable Interrupt
    // Controller".
    void deliverInterrupts() {
        while (hasPendingInterrupt()) {
            int vector = -1;
            for (int w = 3; w >= 0 && vector < 0; w--) {
                if (irr[w] != 0) {
                    vector = w * 64 + 63 - Long.numberOfLeadingZeros(irr[w]);
                }
            }
            irr[vector >>> 6] &= ~(1L << (vector & 63));
            td.deliverInterrupt(vector);
        }
    }

    // ---- #VE ----

    /**
     * Raises a #VE: the module records the information and enters the guest's handler. TDX Module ABI v1.5,
     * "Virtualization Exception Information"; Documentation/arch/x86/tdx.rst: a #VE before TDG.VP.VEINFO.GET of the
     * previous one is a #DF, which is not recoverable.
     */
    void raiseVe(VeExitReason reason, long qualification, long gla, long gpa, int length) {
        if (ve.isValid()) {
            throw td.stop(StopReason.of(StopReason.Kind.DOUBLE_FAULT, "#VE (" + reason + ") at RIP 0x"
                    + Long.toHexString(rip) + " while the previous #VE's information (" + ve.exitReason()
                    + ") was not yet read with TDG.VP.VEINFO.GET"));
        }
        ve.latch(reason, qualification, gla, gpa, length);
        td.counters.ve(reason.raw());
        VeHandler handler = td.veHandler;
        if (handler == null) {
            throw td.stop(StopReason.of(StopReason.Kind.NO_VE_HANDLER, "#VE (" + reason + ") at RIP 0x"
                    + Long.toHexString(rip) + " with no #VE handler registered"));
        }
        VeOutcome outcome = handler.handle(context);
        td.ensureRunning();
        if (outcome instanceof VeOutcome.Fault f) {
            throw new CpuFault(ExecutionResult.Fault.VE_FAULT, f.failure());
        }
        if (outcome == null) {
            throw new CpuFault(ExecutionResult.Fault.VE_FAULT, TdxFailure.of(Origin.GUEST_BUG, "sim.vcpu.ve-outcome",
                    "the #VE handler returned null for " + reason));
        }
    }

    /** A fault of the running instruction; stackless, caught by {@link #run}. */
    static final class CpuFault extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final ExecutionResult.Fault fault;
        final transient TdxFailure failure;

        CpuFault(ExecutionResult.Fault fault, TdxFailure failure) {
            super(failure.toString(), null, false, false);
            this.fault = fault;
            this.failure = failure;
        }
    }

    static CpuFault gp(String detail) {
        return new CpuFault(ExecutionResult.Fault.GENERAL_PROTECTION, TdxFailure.of(Origin.GUEST_BUG, "sim.vcpu.gp",
                detail));
    }

    private final class Context implements VcpuContext {
        @Override
        public long get(Gpr g) {
            return Vcpu.this.get(g);
        }

        @Override
        public void set(Gpr g, long value) {
            Vcpu.this.set(g, value);
        }

        @Override
        public long rip() {
            return Vcpu.this.rip();
        }

        @Override
        public void setRip(long value) {
            Vcpu.this.setRip(value);
        }

        @Override
        public boolean userMode() {
            return Vcpu.this.userMode();
        }

        @Override
        public boolean interruptsEnabled() {
            return Vcpu.this.interruptsEnabled();
        }

        @Override
        public int fetch(long address, byte[] dst) {
            synchronized (td.lock) {
                return fetchBytes(address, dst, dst.length);
            }
        }
    }

    /** Copies up to {@code max} bytes at {@code address}, stopping at the first page the guest cannot read. */
    int fetchBytes(long address, byte[] dst, int max) {
        int done = 0;
        while (done < max) {
            long a = address + done;
            int n = (int) Math.min(max - done, TdMemory.PAGE - (a & (TdMemory.PAGE - 1)));
            try {
                td.memory.copyOut(a, dst, done, n, td.memory.guestCheck);
            } catch (MemoryAccessException e) {
                return done;
            }
            done += n;
        }
        return done;
    }
}
