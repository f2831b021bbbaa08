package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.sim.vmm.Vmm;
import io.github.tdx4j.sim.vmm.VmcallExit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * TDG.VP.VMCALL over arbitrary RCX controls and a VMM that writes every register: the module rejects exactly the
 * controls with RAX, RCX, RSP, RBP (NO_RBP_MOD) or a reserved bit, without an exit, and otherwise returns the VMM's
 * value in exactly the exposed registers, RAX = 0 and the guest's RCX.
 */
class VmcallFilterPropertyTest {
    /** A VMM that overwrites every register with {@code seed + number} and counts its exits. */
    private static final class Scribbler implements Vmm {
        final long seed;
        int exits;

        Scribbler(long seed) {
            this.seed = seed;
        }

        @Override
        public void tdvmcall(VmcallExit exit) {
            exits++;
            for (Gpr g : Gpr.values()) {
                exit.set(g, seed + g.number());
            }
        }

        @Override
        public boolean onPrivateEptViolation(long gpa, PageLevel acceptLevel) {
            return false;
        }
    }

    @Property(tries = 500)
    void rcxIsAcceptedExactlyWhenNoIllegalBitIsSet(@ForAll @IntRange(max = 0xFFFF) int gprSelect,
                                                   @ForAll @IntRange(max = 0xFFFF) int xmmSelect,
                                                   @ForAll @IntRange(max = 31) int reservedBit,
                                                   @ForAll boolean setReserved, @ForAll long seed) {
        long rcx = gprSelect | ((long) xmmSelect << 16) | (setReserved ? 1L << (32 + reservedBit) : 0);
        Scribbler vmm = new Scribbler(seed);
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(), SimSettings.strict(), h -> vmm);
        Registers in = new Registers(0, rcx, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Registers out = td.transport().tdcall(in);
        boolean legal = (rcx & (Gpr.RAX.bit() | Gpr.RCX.bit() | Gpr.RSP.bit() | Gpr.RBP.bit())) == 0
                && (rcx >>> 32) == 0;
        if (!legal) {
            assertThat(out.rax()).isEqualTo(0xC000_0100_0000_0001L);
            assertThat(vmm.exits).isZero();
            assertThat(out).isEqualTo(in.withRax(0xC000_0100_0000_0001L));
            return;
        }
        assertThat(out.rax()).isZero();
        assertThat(out.rcx()).isEqualTo(rcx);
        assertThat(vmm.exits).isEqualTo(1);
        for (Gpr g : Gpr.values()) {
            if (g == Gpr.RAX || g == Gpr.RCX || !Registers.carries(g)) {
                continue;
            }
            long expected = (rcx & g.bit()) != 0 ? seed + g.number() : in.get(g);
            assertThat(out.get(g)).as(g.name()).isEqualTo(expected);
        }
    }
}
