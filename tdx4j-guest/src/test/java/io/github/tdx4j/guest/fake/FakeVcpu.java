package io.github.tdx4j.guest.fake;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.platform.VcpuContext;
import java.util.HashMap;
import java.util.Map;

/** A vCPU register file and instruction bytes for unit tests of the #VE handler. */
public final class FakeVcpu implements VcpuContext {
    private final long[] regs = new long[16];
    private final Map<Long, Byte> code = new HashMap<>();
    private long rip;
    private boolean user;
    private boolean interrupts;

    public FakeVcpu at(long rip, int... bytes) {
        this.rip = rip;
        for (int i = 0; i < bytes.length; i++) {
            code.put(rip + i, (byte) bytes[i]);
        }
        return this;
    }

    public FakeVcpu user(boolean u) {
        this.user = u;
        return this;
    }

    public FakeVcpu interruptsEnabled(boolean e) {
        this.interrupts = e;
        return this;
    }

    public FakeVcpu with(Gpr g, long v) {
        regs[g.number()] = v;
        return this;
    }

    /** A copy of the 16 registers. */
    public long[] snapshot() {
        return regs.clone();
    }

    @Override
    public long get(Gpr gpr) {
        return regs[gpr.number()];
    }

    @Override
    public void set(Gpr gpr, long value) {
        regs[gpr.number()] = value;
    }

    @Override
    public long rip() {
        return rip;
    }

    @Override
    public void setRip(long rip) {
        this.rip = rip;
    }

    @Override
    public boolean userMode() {
        return user;
    }

    @Override
    public boolean interruptsEnabled() {
        return interrupts;
    }

    @Override
    public int fetch(long address, byte[] dst) {
        int n = 0;
        while (n < dst.length && code.containsKey(address + n)) {
            dst[n] = code.get(address + n);
            n++;
        }
        return n;
    }
}
