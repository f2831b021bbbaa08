package io.github.tdx4j.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.GprSelect;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TdxCallsTest {

    /** A VMM that writes a distinct canary into every register it can reach, RAX = 0 and R10 = {@code r10}. */
    private static Registers canaryVmm(Registers in, long r10) {
        Registers out = in;
        for (Gpr g : Gpr.values()) {
            if (Registers.carries(g)) {
                out = out.with(g, 0xCA7A_0000_0000_0000L | g.number());
            }
        }
        return out.withRax(0).withRcx(in.rcx()).withR10(r10);
    }

    static LongStream randomR10() {
        return RandomValues.longs(0x5eed_0010L, 300);
    }

    static LongStream randomNonZeroRax() {
        return RandomValues.longs(0x5eed_00aaL, 300).filter(v -> v != 0);
    }

    @Test
    @DisplayName("TDVMCALL passes RCX = TDVMCALL_EXPOSE_REGS_MASK (0xFFCC), RAX = TDG.VP.VMCALL, R10 = 0, R11 = sub-function")
    void tdvmcallRegisterConvention() {
        ScriptedTransport t = new ScriptedTransport().then(in -> in.withRax(0).withR10(0));
        new TdxCalls(t).tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_IO, 1, 0, 0x3F8, 0));
        Registers in = t.calls.getFirst();
        assertThat(in.rax()).isZero();
        assertThat(in.rcx()).isEqualTo(0xFFCCL).isEqualTo(GprSelect.TDVMCALL_EXPOSE_REGS_MASK.raw());
        assertThat(in.r10()).isZero();
        assertThat(in.r11()).isEqualTo(30);
        assertThat(in.r12()).isEqualTo(1);
        assertThat(in.r14()).isEqualTo(0x3F8);
    }

    @Test
    @DisplayName("CVE-2023-52874: a canary the VMM writes into any exposed register is gone after the call, except declared outputs")
    void scrubAfterTdvmcall() {
        ScriptedTransport t = new ScriptedTransport().then(in -> canaryVmm(in, 0));
        VmcallRequest req = VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_IO, 1, 0, 0x3F8, 0x41);
        VmcallResult r = new TdxCalls(t).tdvmcall(req);
        assertThat(r).isInstanceOf(VmcallResult.Success.class);
        Registers out = r.registers();
        // Declared output: R11 carries the VMM's value.
        assertThat(out.r11()).isEqualTo(0xCA7A_0000_0000_0000L | 11);
        // Zeroed: RDX, RSI (the register the 2023 CVE left behind), RDI, R8, R9, R10.
        for (Gpr g : EnumSet.of(Gpr.RDX, Gpr.RSI, Gpr.RDI, Gpr.R8, Gpr.R9, Gpr.R10)) {
            assertThat(out.get(g)).as(g.name()).isZero();
        }
        // Restored: RBX and R12-R15 hold what the caller passed.
        assertThat(out.rbx()).isZero();
        assertThat(out.r12()).isEqualTo(1);
        assertThat(out.r13()).isZero();
        assertThat(out.r14()).isEqualTo(0x3F8);
        assertThat(out.r15()).isEqualTo(0x41);
        // No canary anywhere but the declared output.
        for (Gpr g : Gpr.values()) {
            if (Registers.carries(g) && g != Gpr.R11) {
                assertThat(out.get(g) >>> 48).as(g.name()).isNotEqualTo(0xCA7AL);
            }
        }
    }

    @Test
    @DisplayName("CVE-2023-52874 scrub with non-zero inputs: RBX and R12-R15 are restored to the caller's values, "
            + "RDX, RSI, RDI, R8, R9 are zeroed, not restored")
    void scrubRestoresOrZeroesNonZeroInputs() {
        ScriptedTransport t = new ScriptedTransport().then(in -> canaryVmm(in, 0));
        VmcallRequest req = VmcallRequest.standard(TdvmcallSubFunction.REPORT_FATAL_ERROR, 0x12, 0x13, 0x14, 0x15)
                .withExtended(0xB1, 0xD1, 0x51, 0x81, 0x91, 0xD2);
        Registers out = new TdxCalls(t).tdvmcall(req).registers();
        assertThat(new long[] {out.rbx(), out.r12(), out.r13(), out.r14(), out.r15()})
                .containsExactly(0xB1, 0x12, 0x13, 0x14, 0x15);
        assertThat(new long[] {out.rdx(), out.rsi(), out.rdi(), out.r8(), out.r9(), out.r10(), out.r11()})
                .containsOnly(0L);
    }

    @Test
    @DisplayName("GHCI Instruction.CPUID: R12-R15 are outputs and carry the VMM's values")
    void cpuidOutputs() {
        ScriptedTransport t = new ScriptedTransport().then(in -> canaryVmm(in, 0));
        VmcallResult r = new TdxCalls(t).tdvmcall(
                VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_CPUID, 0x40000000, 0, 0, 0));
        assertThat(r.out(Gpr.R12)).isEqualTo(0xCA7A_0000_0000_000CL);
        assertThat(r.out(Gpr.R15)).isEqualTo(0xCA7A_0000_0000_000FL);
        assertThat(r.out(Gpr.R11)).isZero();
    }

    @Test
    @DisplayName("GHCI ReportFatalError: the extended arguments reach RBX, RDI, RSI, R8, R9, RDX")
    void extendedArguments() {
        ScriptedTransport t = new ScriptedTransport().then(in -> in.withRax(0).withR10(0));
        new TdxCalls(t).tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.REPORT_FATAL_ERROR, 0, 0, 0xE1, 0xE2)
                .withExtended(0xB1, 0xD1, 0x51, 0x81, 0x91, 0xD2));
        Registers in = t.calls.getFirst();
        assertThat(in.rbx()).isEqualTo(0xB1);
        assertThat(in.rdi()).isEqualTo(0xD1);
        assertThat(in.rsi()).isEqualTo(0x51);
        assertThat(in.r8()).isEqualTo(0x81);
        assertThat(in.r9()).isEqualTo(0x91);
        assertThat(in.rdx()).isEqualTo(0xD2);
        assertThat(in.r14()).isEqualTo(0xE1);
    }

    @ParameterizedTest
    @MethodSource("randomNonZeroRax")
    @DisplayName("RAX != 0 on TDG.VP.VMCALL is always a fatal TdxModuleFault, whatever R10 says")
    void raxNonZeroIsAlwaysFatal(long rax) {
        ScriptedTransport t = new ScriptedTransport().then(in -> in.withRax(rax).withR10(0));
        VmcallRequest req = VmcallRequest.standard(TdvmcallSubFunction.MAP_GPA, 0x1000, 0x1000, 0, 0);
        assertThatThrownBy(() -> new TdxCalls(t).tdvmcall(req))
                .isInstanceOfSatisfying(TdxModuleFault.class, f -> {
                    assertThat(f.rax()).isEqualTo(rax);
                    assertThat(f.leaf()).isEqualTo(TdcallLeaf.TDG_VP_VMCALL);
                    assertThat(f.origin()).isEqualTo(Origin.TDX_MODULE);
                    assertThat(f.arguments().r11()).isEqualTo(0x10001);
                    assertThat(f.arguments().r12()).isEqualTo(0x1000);
                    assertThat(f.getMessage()).contains("TDVMCALL failed. TDX module bug?");
                })
                .isInstanceOf(TdxPanic.class)
                .isNotInstanceOf(Exception.class);
    }

    @ParameterizedTest
    @MethodSource("randomR10")
    @DisplayName("Only R10 == 0 is success, R10 == 1 is retry, every other value (named or not) is a VMM error")
    void everyR10ValueClass(long r10) {
        ScriptedTransport t = new ScriptedTransport().then(in -> in.withRax(0).withR10(r10).withR11(0x7777));
        VmcallResult r = new TdxCalls(t).tdvmcall(
                VmcallRequest.standard(TdvmcallSubFunction.MAP_GPA, 0x1000, 0x2000, 0, 0));
        assertThat(r.status().raw()).isEqualTo(r10);
        switch (r) {
            case VmcallResult.Success s -> assertThat(r10).isZero();
            case VmcallResult.Retry s -> assertThat(r10).isEqualTo(1);
            case VmcallResult.VmmError e -> {
                assertThat(r10).isNotIn(0L, 1L);
                assertThat(e.status()).isEqualTo(new TdvmcallStatus(r10));
            }
        }
        assertThat(r.registers().r10()).as("R10 is reported as the status, not as a register").isZero();
        assertThat(r.out(Gpr.R11)).isEqualTo(0x7777);
    }

    @ParameterizedTest
    @EnumSource(names = {"INVALID_OPERAND", "GPA_INUSE", "ALIGN_ERROR", "SUBFUNC_UNSUPPORTED"})
    @DisplayName("The GHCI's named error statuses are VMM errors")
    void namedStatusesAreVmmErrors(NamedStatus named) {
        ScriptedTransport t = new ScriptedTransport().then(in -> in.withRax(0).withR10(named.status.raw()));
        VmcallResult r = new TdxCalls(t).tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.GET_QUOTE, 0, 0, 0, 0));
        assertThat(r).isInstanceOf(VmcallResult.VmmError.class);
        assertThat(r.status()).isEqualTo(named.status);
    }

    enum NamedStatus {
        INVALID_OPERAND(TdvmcallStatus.INVALID_OPERAND), GPA_INUSE(TdvmcallStatus.GPA_INUSE),
        ALIGN_ERROR(TdvmcallStatus.ALIGN_ERROR), SUBFUNC_UNSUPPORTED(TdvmcallStatus.SUBFUNC_UNSUPPORTED);

        final TdvmcallStatus status;

        NamedStatus(TdvmcallStatus status) {
            this.status = status;
        }
    }

    @Test
    @DisplayName("__tdcall_ret: module leaves take RCX, RDX, R8-R11 and return them even on failure")
    void tdcallInputsAndOutputs() {
        ScriptedTransport t = new ScriptedTransport().then(in -> new Registers(
                TdxStatus.OPERAND_INVALID.withDetails(1).raw(), 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25));
        ModuleCallResult r = new TdxCalls(t).tdcall(TdcallLeaf.TDG_MR_REPORT, 0x1000, 0x2000, 0, 0, 0, 0);
        Registers in = t.calls.getFirst();
        assertThat(in.rax()).isEqualTo(4);
        assertThat(in.rcx()).isEqualTo(0x1000);
        assertThat(in.rdx()).isEqualTo(0x2000);
        assertThat(r.isError()).isTrue();
        assertThat(r.status().is(TdxStatus.OPERAND_INVALID)).isTrue();
        assertThat(r.out()).isEqualTo(new Registers(0, 11, 12, 0, 0, 0, 18, 19, 20, 21, 0, 0, 0, 0));
    }

    @Test
    @DisplayName("A warning status (PAGE_ALREADY_ACCEPTED) is returned as a value, not an error")
    void warningIsNotError() {
        ScriptedTransport t = new ScriptedTransport()
                .then(in -> Registers.ZERO.withRax(TdxStatus.PAGE_ALREADY_ACCEPTED.withDetails(0).raw()));
        ModuleCallResult r = new TdxCalls(t).tdcall(TdcallLeaf.TDG_MEM_PAGE_ACCEPT, 0x1000, 0, 0, 0, 0, 0);
        assertThat(r.isError()).isFalse();
        assertThat(r.status().is(TdxStatus.PAGE_ALREADY_ACCEPTED)).isTrue();
    }

    @Test
    @DisplayName("tdcall(): a must-succeed leaf (TDG.VP.INFO) that fails is a fatal TdxModuleFault naming the leaf")
    void mustSucceedLeafFailureIsFatal() {
        ScriptedTransport t = new ScriptedTransport()
                .then(in -> Registers.ZERO.withRax(TdxStatus.OPERAND_BUSY.raw()));
        assertThatThrownBy(() -> new TdxCalls(t).tdcallOrPanic(TdcallLeaf.TDG_VP_INFO, 0, 0, 0, 0, 0, 0))
                .isInstanceOfSatisfying(TdxModuleFault.class, f -> {
                    assertThat(f.leaf()).isEqualTo(TdcallLeaf.TDG_VP_INFO);
                    assertThat(f.rax()).isEqualTo(TdxStatus.OPERAND_BUSY.raw());
                    assertThat(f.getMessage()).contains("TDG.VP.INFO").contains("buggy TDX module");
                });
    }

    @Test
    @DisplayName("tdcall() refuses TDG.VP.VMCALL: the two kinds of call never share a path")
    void tdcallRefusesVmcall() {
        assertThatThrownBy(() -> new TdxCalls(new ScriptedTransport())
                .tdcall(TdcallLeaf.TDG_VP_VMCALL, 0, 0, 0, 0, 0, 0))
                .isInstanceOfSatisfying(GuestBugException.class,
                        e -> assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG));
    }

    @Test
    @DisplayName("Vendor TDVMCALL: R10 = call number, R11..R14 = arguments, result in R10")
    void vendorCall() {
        ScriptedTransport t = new ScriptedTransport().then(in -> in.withRax(0).withR10(0));
        VmcallResult r = new TdxCalls(t).tdvmcall(VmcallRequest.vendor(9, 1, 2, 3, 4));
        assertThat(t.calls.getFirst().r10()).isEqualTo(9);
        assertThat(t.calls.getFirst().r11()).isEqualTo(1);
        assertThat(r).isInstanceOf(VmcallResult.Success.class);
        assertThatThrownBy(() -> VmcallRequest.vendor(0, 1, 2, 3, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("R10 and RSP/RBP/RAX/RCX can never be declared outputs")
    void outputsAreRestricted() {
        VmcallRequest req = VmcallRequest.standard(TdvmcallSubFunction.MAP_GPA, 0, 0, 0, 0);
        for (Gpr g : Set.of(Gpr.R10, Gpr.RAX, Gpr.RCX, Gpr.RSP, Gpr.RBP)) {
            assertThatThrownBy(() -> req.withOutputs(Set.of(g))).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
