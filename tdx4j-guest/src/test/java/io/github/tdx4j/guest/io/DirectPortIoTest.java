package io.github.tdx4j.guest.io;

import io.github.tdx4j.call.GuestBugException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.abi.VeInfo;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import io.github.tdx4j.guest.fake.FakeVcpu;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DirectPortIoTest {
    private static final long IO = TdvmcallSubFunction.INSTRUCTION_IO.raw();

    /** 300 (RAX, VMM value, size) triples from a fixed seed plus edges; a failing case names its values. */
    static Stream<Arguments> cases() {
        SplittableRandom r = new SplittableRandom(0x10ae5eedL);
        PortSize[] sizes = PortSize.values();
        Stream<Arguments> edges = Stream.of(sizes).map(s -> Arguments.of(0xDEADBEEF_00000000L, -1L, s));
        return Stream.concat(edges, Stream.generate(
                () -> Arguments.of(r.nextLong(), r.nextLong(), sizes[r.nextInt(sizes.length)])).limit(300));
    }

    @ParameterizedTest
    @MethodSource("cases")
    @DisplayName("IN through #VE and IN through the direct path give the same RAX for the same VMM answer")
    void sameResultBothPaths(long rax, long vmmValue, PortSize size) {
        FakeTd td = new FakeTd();
        TdxGuest g = Boot.boot(td);
        td.vmm.put(IO, in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, vmmValue));

        FakeVcpu viaVe = new FakeVcpu().at(0x1000, 0xEC).with(Gpr.RAX, rax).with(Gpr.RBX, 0x77);
        td.raiseVe(new VeInfo(VeExitReason.IO_INSTRUCTION,
                IoExitQualification.of(size.bytes(), true, false, false, false, 0x3F8).raw(), 0, 0, 1, 0), viaVe);
        FakeVcpu direct = new FakeVcpu().with(Gpr.RAX, rax).with(Gpr.RBX, 0x77);
        long[] before = direct.snapshot();
        g.portIo().in(direct, size, 0x3F8);

        assertThat(direct.get(Gpr.RAX)).isEqualTo(viaVe.get(Gpr.RAX));
        long[] after = direct.snapshot();
        for (Gpr r : Gpr.values()) {
            if (r != Gpr.RAX) {
                assertThat(after[r.number()]).as("%s preserved", r).isEqualTo(before[r.number()]);
            }
        }
        assertThat(td.vmcalls(IO)).hasSize(2);
        assertThat(td.vmcalls(IO).get(0)).isEqualTo(td.vmcalls(IO).get(1));
    }

    @Test
    @DisplayName("Direct IN on a VMM error reads all ones in the access size (decompressor UINT_MAX), reported VMM")
    void inErrorAllOnes() {
        FakeTd td = new FakeTd();
        TdxGuest g = Boot.boot(td);
        td.vmm.put(IO, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, 0x12));
        assertThat(g.portIo().in(PortSize.BYTE, 0x3F8, 0xDEADBEEF_00000000L)).isEqualTo(0xDEADBEEF_000000FFL);
        assertThat(g.portIo().in(PortSize.DWORD, 0x3F8, 0xDEADBEEF_00000000L)).isEqualTo(0xFFFF_FFFFL);
        assertThat(g.portIo().inb(0x3F8)).isEqualTo(0xFF);
        assertThat(g.failures().count(Origin.VMM)).isEqualTo(3);
    }

    @Test
    @DisplayName("A port outside 0..0xFFFF is a caller error, refused before any TDVMCALL")
    void portRange() {
        FakeTd td = new FakeTd();
        TdxGuest g = Boot.boot(td);
        for (int port : new int[] {-1, 0x1_0000, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> g.portIo().inb(port)).isInstanceOf(GuestBugException.class);
            assertThatThrownBy(() -> g.portIo().outb(port, 0)).isInstanceOf(GuestBugException.class);
        }
        assertThat(td.vmcalls(IO)).isEmpty();
    }

    @Test
    @DisplayName("Direct OUT sends the access-size bits of RAX and writes no register")
    void out() {
        FakeTd td = new FakeTd();
        TdxGuest g = Boot.boot(td);
        td.vmm.put(IO, in -> in.withR10(0));
        FakeVcpu cpu = new FakeVcpu().with(Gpr.RAX, 0x1122_3344_5566_7788L);
        long[] before = cpu.snapshot();
        g.portIo().out(cpu, PortSize.WORD, 0x80);
        assertThat(cpu.snapshot()).isEqualTo(before);
        assertThat(td.vmcalls(IO).getFirst().r15()).isEqualTo(0x7788);
        assertThat(td.vmcalls(IO).getFirst().r12()).isEqualTo(2);
        assertThat(td.vmcalls(IO).getFirst().r14()).isEqualTo(0x80);
    }

    @Test
    @DisplayName("OUT refused by the VMM is reported once (origin VMM); a successful OUT reports nothing")
    void outFailureIsReported() {
        FakeTd td = new FakeTd();
        TdxGuest g = Boot.boot(td);
        td.vmm.put(IO, in -> in.withR10(0));
        g.portIo().outb(0x80, 1);
        assertThat(g.failures().count(Origin.VMM)).isZero();
        td.vmm.put(IO, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, 0));
        g.portIo().outb(0x80, 2);
        assertThat(g.failures().count(Origin.VMM)).isEqualTo(1);
    }

    @Test
    @DisplayName("print sends each ISO-8859-1 byte as one OUT of its value: 'h', 0xE9 ('é'), '!'")
    void printSendsEachByte() {
        FakeTd td = new FakeTd();
        TdxGuest g = Boot.boot(td);
        td.vmm.put(IO, in -> in.withR10(0));
        g.portIo().print(0x3F8, "hé!");
        assertThat(td.vmcalls(IO)).extracting(io.github.tdx4j.call.Registers::r15).containsExactly(0x68L, 0xE9L, 0x21L);
        assertThat(td.vmcalls(IO)).extracting(io.github.tdx4j.call.Registers::r14).containsOnly(0x3F8L);
    }

    @Test
    @DisplayName("Ports 0 and 0xFFFF are valid; -1 and 0x10000 are the guest's bug")
    void portBounds() {
        FakeTd td = new FakeTd();
        TdxGuest g = Boot.boot(td);
        td.vmm.put(IO, in -> in.withR10(0));
        g.portIo().outb(0, 1);
        g.portIo().outb(0xFFFF, 1);
        assertThat(td.vmcalls(IO)).extracting(io.github.tdx4j.call.Registers::r14).containsExactly(0L, 0xFFFFL);
        for (int bad : new int[] {-1, 0x10000}) {
            assertThatThrownBy(() -> g.portIo().outb(bad, 1)).isInstanceOf(GuestBugException.class);
        }
    }
}
