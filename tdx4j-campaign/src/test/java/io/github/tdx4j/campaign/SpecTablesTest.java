package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.policy.Reaction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The oracles' own tables hold the values of the documents they cite, written out here as worked examples (the SDM's
 * register-write rules, GHCI's output operands, the two presets of the README), so that an oracle's expectation is
 * never what the code under test computes.
 */
class SpecTablesTest {
    private static final long RAX = 0x1122_3344_5566_7788L;
    private static final long VMM = 0xFFFF_FFFF_FFFF_FFFFL;

    @Test
    @DisplayName("IN merges 8 and 16 bits into RAX and zero-extends 32 bits (the 2026 port I/O fixes)")
    void portInIsTheSdmRule() {
        assertThat(SpecTables.portInRax(1, RAX, VMM)).isEqualTo(0x1122_3344_5566_77FFL);
        assertThat(SpecTables.portInRax(2, RAX, VMM)).isEqualTo(0x1122_3344_5566_FFFFL);
        assertThat(SpecTables.portInRax(4, RAX, VMM)).isEqualTo(0x0000_0000_FFFF_FFFFL);
        assertThat(SpecTables.portInRax(1, RAX, 0x1AB)).as("bit 8 of the VMM's value never reaches RAX")
                .isEqualTo(0x1122_3344_5566_77ABL);
        assertThat(SpecTables.portOutValue(2, RAX)).isEqualTo(0x7788L);
    }

    @Test
    @DisplayName("TDVMCALL outputs are GHCI's: CPUID R12..R15, IO/RDMSR/MMIO/MapGPA R11, HLT none")
    void vmcallOutputsAreGhcis() {
        assertThat(SpecTables.vmcallOutputs(TdvmcallSubFunction.INSTRUCTION_CPUID))
                .containsExactlyInAnyOrder(Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15);
        assertThat(SpecTables.vmcallOutputs(TdvmcallSubFunction.INSTRUCTION_IO)).containsExactly(Gpr.R11);
        assertThat(SpecTables.vmcallOutputs(TdvmcallSubFunction.MAP_GPA)).containsExactly(Gpr.R11);
        assertThat(SpecTables.vmcallOutputs(TdvmcallSubFunction.INSTRUCTION_HLT)).isEmpty();
        assertThat(Probes.LINUX_EXPOSE_MASK).isEqualTo(0xFFCCL);
    }

    @Test
    @DisplayName("The presets: LINUX_MAINLINE warns once or returns; SEED_REVIEW is fatal only for sensitive module "
            + "failures and rate-limits the VMM")
    void presetsAreTheReadmes() {
        assertThat(SpecTables.Preset.LINUX_MAINLINE.reaction(Origin.VMM, Sensitivity.SECURITY_SENSITIVE))
                .isEqualTo(Reaction.ERROR_RETURN);
        assertThat(SpecTables.Preset.LINUX_MAINLINE.reaction(Origin.TDX_MODULE, Sensitivity.SECURITY_SENSITIVE))
                .isEqualTo(Reaction.WARN_ONCE);
        assertThat(SpecTables.Preset.SEED_REVIEW.reaction(Origin.TDX_MODULE, Sensitivity.SECURITY_SENSITIVE))
                .isEqualTo(Reaction.FATAL);
        assertThat(SpecTables.Preset.SEED_REVIEW.reaction(Origin.TDX_MODULE, Sensitivity.ORDINARY))
                .isEqualTo(Reaction.WARN_ONCE);
        assertThat(SpecTables.Preset.SEED_REVIEW.reaction(Origin.VMM, Sensitivity.ORDINARY))
                .isEqualTo(Reaction.RATE_LIMITED);
        assertThat(SpecTables.Preset.LINUX_MAINLINE.mayLog(Origin.VMM)).isFalse();
    }
}
