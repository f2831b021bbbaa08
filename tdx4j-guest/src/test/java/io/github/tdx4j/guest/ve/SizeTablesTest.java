package io.github.tdx4j.guest.ve;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.guest.io.PortSize;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SizeTablesTest {

    @Test
    @DisplayName("PortSize rows: sizes 1/2/4, masks 0xFF/0xFFFF/0xFFFFFFFF, MERGE/MERGE/ZERO_EXTEND; 3 is no size")
    void portSizeRows() {
        assertThat(PortSize.values()).extracting(PortSize::bytes).containsExactly(1, 2, 4);
        assertThat(PortSize.values()).extracting(PortSize::mask).containsExactly(0xFFL, 0xFFFFL, 0xFFFF_FFFFL);
        assertThat(PortSize.values()).extracting(PortSize::write).containsExactly(PortSize.Write.MERGE,
                PortSize.Write.MERGE, PortSize.Write.ZERO_EXTEND);
        assertThat(PortSize.ofBytes(3)).isNull();
        assertThat(PortSize.ofBytes(8)).isNull();
    }

    @Test
    @DisplayName("INL with RAX preloaded 0xDEADBEEF00000000 and the VMM answering all ones gives 0xFFFFFFFF")
    void kernelReportReproduction() {
        assertThat(PortSize.DWORD.assign(0xDEADBEEF_00000000L, -1L)).isEqualTo(0xFFFF_FFFFL);
        assertThat(PortSize.WORD.assign(0xDEADBEEF_00000000L, -1L)).isEqualTo(0xDEADBEEF_0000FFFFL);
        assertThat(PortSize.BYTE.assign(0xDEADBEEF_00000000L, -1L)).isEqualTo(0xDEADBEEF_000000FFL);
    }

    /** 1000 (RAX, VMM value) pairs from a fixed seed plus edges; a failing case names its values. */
    static Stream<Arguments> raxAndVmmValues() {
        SplittableRandom r = new SplittableRandom(0x9e3779b97f4a7c15L);
        return Stream.concat(Stream.of(Arguments.of(0L, -1L), Arguments.of(-1L, 0L),
                        Arguments.of(0xDEADBEEF_00000000L, 0xFFFF_FFFF_FFFF_FFFFL)),
                Stream.generate(() -> Arguments.of(r.nextLong(), r.nextLong())).limit(1000));
    }

    @ParameterizedTest
    @MethodSource("raxAndVmmValues")
    @DisplayName("No bit above the access size ever comes from the VMM's value")
    void noVmmBitAboveSize(long rax, long vmm) {
        for (PortSize s : PortSize.values()) {
            long r = s.assign(rax, vmm);
            assertThat(r & ~s.mask()).isEqualTo(s.write() == PortSize.Write.MERGE ? rax & ~s.mask() : 0);
            assertThat(r & s.mask()).isEqualTo(vmm & s.mask());
        }
        for (OperandSize s : OperandSize.values()) {
            long r = s.assign(rax, vmm);
            assertThat(r & ~s.mask()).isEqualTo(s.zeroExtends() ? 0 : rax & ~s.mask());
        }
    }
}
