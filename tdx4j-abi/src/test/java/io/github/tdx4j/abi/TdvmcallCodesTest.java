package io.github.tdx4j.abi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TdvmcallCodesTest {

    @Test
    @DisplayName("GHCI 'TDG.VP.VMCALL Status Codes': values and classes")
    void statusValues() {
        assertThat(TdvmcallStatus.SUCCESS.raw()).isZero();
        assertThat(TdvmcallStatus.RETRY.raw()).isEqualTo(1);
        assertThat(TdvmcallStatus.INVALID_OPERAND.raw()).isEqualTo(0x8000000000000000L);
        assertThat(TdvmcallStatus.GPA_INUSE.raw()).isEqualTo(0x8000000000000001L);
        assertThat(TdvmcallStatus.ALIGN_ERROR.raw()).isEqualTo(0x8000000000000002L);
        assertThat(TdvmcallStatus.SUBFUNC_UNSUPPORTED.raw()).isEqualTo(0x8000000000000003L);
        assertThat(TdvmcallStatus.SUCCESS.isSuccess()).isTrue();
        assertThat(TdvmcallStatus.RETRY.isRetry()).isTrue();
        assertThat(new TdvmcallStatus(0x8000000000000007L)).hasToString("TDVMCALL_STATUS(0x8000000000000007)");
        assertThat(new TdvmcallStatus(0x8000000000000007L).isKnown()).isFalse();
    }

    @Test
    @DisplayName("GHCI sub-function numbers; instruction sub-functions equal the VMX exit reasons")
    void subFunctionValues() {
        assertThat(TdvmcallSubFunction.GET_TD_VM_CALL_INFO.raw()).isEqualTo(0x10000);
        assertThat(TdvmcallSubFunction.MAP_GPA.raw()).isEqualTo(0x10001);
        assertThat(TdvmcallSubFunction.GET_QUOTE.raw()).isEqualTo(0x10002);
        assertThat(TdvmcallSubFunction.REPORT_FATAL_ERROR.raw()).isEqualTo(0x10003);
        assertThat(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT.raw()).isEqualTo(0x10004);
        assertThat(TdvmcallSubFunction.SERVICE.raw()).isEqualTo(0x10005);
        assertThat(TdvmcallSubFunction.INSTRUCTION_CPUID.raw()).isEqualTo(VeExitReason.CPUID.raw());
        assertThat(TdvmcallSubFunction.INSTRUCTION_HLT.raw()).isEqualTo(VeExitReason.HLT.raw());
        assertThat(TdvmcallSubFunction.INSTRUCTION_IO.raw()).isEqualTo(VeExitReason.IO_INSTRUCTION.raw());
        assertThat(TdvmcallSubFunction.INSTRUCTION_RDMSR.raw()).isEqualTo(VeExitReason.MSR_READ.raw());
        assertThat(TdvmcallSubFunction.INSTRUCTION_WRMSR.raw()).isEqualTo(VeExitReason.MSR_WRITE.raw());
        assertThat(TdvmcallSubFunction.VE_REQUEST_MMIO.raw()).isEqualTo(VeExitReason.EPT_VIOLATION.raw());
        assertThat(TdvmcallSubFunction.MAP_GPA).hasToString("MapGPA");
    }

    @Test
    @DisplayName("TDVMCALL_EXPOSE_REGS_MASK is 0xFFCC: RDX, RBX, RSI, RDI, R8-R15")
    void exposeMask() {
        assertThat(GprSelect.TDVMCALL_EXPOSE_REGS_MASK.raw()).isEqualTo(0xFFCCL);
        assertThat(GprSelect.TDVMCALL_EXPOSE_REGS_MASK.gprs()).containsExactlyInAnyOrderElementsOf(
                EnumSet.of(Gpr.RDX, Gpr.RBX, Gpr.RSI, Gpr.RDI, Gpr.R8, Gpr.R9, Gpr.R10, Gpr.R11, Gpr.R12,
                        Gpr.R13, Gpr.R14, Gpr.R15));
        assertThat(GprSelect.TDVMCALL_EXPOSE_REGS_MASK.isValid(true)).isTrue();
    }

    @Test
    @DisplayName("TDG.VP.VMCALL RCX: bits 0, 1, 4 and 63:32 are illegal; bit 5 only when RBP changes are forbidden")
    void maskValidity() {
        assertThat(new GprSelect(1L << 0).isValid(false)).isFalse();
        assertThat(new GprSelect(1L << 1).isValid(false)).isFalse();
        assertThat(new GprSelect(1L << 4).isValid(false)).isFalse();
        assertThat(new GprSelect(1L << 32).isValid(false)).isFalse();
        assertThat(new GprSelect(1L << 5).isValid(false)).isTrue();
        assertThat(new GprSelect(1L << 5).isValid(true)).isFalse();
        assertThat(new GprSelect(0xFFFF0000L | 0xFFCC).isValid(true)).isTrue();
    }

    @Test
    @DisplayName("VMX I/O exit qualification: size, direction, string, port")
    void ioQualification() {
        IoExitQualification q = IoExitQualification.of(4, true, false, false, false, 0x3F8);
        assertThat(q.raw()).isEqualTo(0x03F8_0000L | 3 | 8);
        assertThat(q.size()).isEqualTo(4);
        assertThat(q.in()).isTrue();
        assertThat(q.port()).isEqualTo(0x3F8);
        assertThat(new IoExitQualification(2).isValidSize()).isFalse();
        assertThat(new IoExitQualification(0x10).string()).isTrue();
    }

    @Test
    @DisplayName("TD attributes: DEBUG bit 0, SEPT_VE_DISABLE bit 28; unnamed bits print by number")
    void attributes() {
        TdAttributes a = new TdAttributes((1L << 28) | 1L | (1L << 40));
        assertThat(a.debug()).isTrue();
        assertThat(a.septVeDisable()).isTrue();
        assertThat(a.setBitNames()).containsExactly("DEBUG", "SEPT_VE_DISABLE", "bit 40");
    }

    @Test
    @DisplayName("TDCALL RAX: leaf 15:0, version 23:16, reserved 63:24")
    void rax() {
        TdcallRax r = TdcallRax.of(TdcallLeaf.TDG_VM_RD, 1);
        assertThat(r.raw()).isEqualTo(0x10007L);
        assertThat(r.leaf()).isEqualTo(TdcallLeaf.TDG_VM_RD);
        assertThat(r.version()).isEqualTo(1);
        assertThat(new TdcallRax(1L << 24).hasReservedBits()).isTrue();
        assertThat(TdcallLeaf.ofRax(0x99).isKnown()).isFalse();
        assertThat(TdcallLeaf.ofRax(0x99)).hasToString("LEAF(0x99)");
    }

    @Test
    @DisplayName("#VE info: R10[31:0] instruction length, R10[63:32] instruction information")
    void veInfo() {
        VeInfo v = VeInfo.ofRegisters(30, 0x3F80008, 0x1000, 0x2000, 0x0000_0005_0000_0002L);
        assertThat(v.exitReason()).isEqualTo(VeExitReason.IO_INSTRUCTION);
        assertThat(v.instructionLength()).isEqualTo(2);
        assertThat(v.instructionInfo()).isEqualTo(5);
        assertThat(v.r10()).isEqualTo(0x0000_0005_0000_0002L);
    }
}
