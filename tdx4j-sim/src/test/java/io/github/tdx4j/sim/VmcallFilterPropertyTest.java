package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.sim.vmm.Vmm;
import io.github.tdx4j.sim.vmm.VmcallExit;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    /** 500 cases from a fixed seed, plus the edges: nothing selected, everything selected. */
    static Stream<Arguments> controls() {
        SplittableRandom r = new SplittableRandom(0x5EC7_F11EL);
        Stream<Arguments> random = Stream.generate(() -> Arguments.of(r.nextInt(0x10000), r.nextInt(0x10000),
                r.nextInt(32), r.nextBoolean(), r.nextLong())).limit(500);
        return Stream.concat(Stream.of(Arguments.of(0, 0, 0, false, 0L), Arguments.of(0xFFFF, 0xFFFF, 31, true, -1L)),
                random);
    }

    @ParameterizedTest
    @MethodSource("controls")
    void rcxIsAcceptedExactlyWhenNoIllegalBitIsSet(int gprSelect, int xmmSelect, int reservedBit,
                                                   boolean setReserved, long seed) {
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
