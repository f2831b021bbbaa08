package io.github.tdx4j.abi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TdxStatusTest {

    /** Every named constant of TdxStatus, read from the class so a new code cannot escape the sweep. */
    static List<TdxStatus> namedCodes() throws IllegalAccessException {
        List<TdxStatus> out = new ArrayList<>();
        for (Field f : TdxStatus.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == TdxStatus.class) {
                out.add((TdxStatus) f.get(null));
            }
        }
        return out;
    }

    @Test
    @DisplayName("The sweep sees every named TDX status code")
    void sweepSeesAllNamedCodes() throws IllegalAccessException {
        assertThat(namedCodes()).hasSize(TdxStatus.namedCount());
    }

    @ParameterizedTest
    @MethodSource("namedCodes")
    @DisplayName("TDX Module ABI 'Function Completion Status Codes': each named code decodes its bit fields from its value")
    void namedCodeBitFields(TdxStatus code) {
        long raw = code.raw();
        assertThat(code.isError()).isEqualTo((raw >>> 63) == 1);
        assertThat(code.isNonRecoverable()).isEqualTo(((raw >>> 62) & 1) == 1);
        assertThat(code.isFatal()).isEqualTo(((raw >>> 61) & 1) == 1);
        assertThat(code.hostRecoverabilityHint()).isEqualTo(((raw >>> 60) & 1) == 1);
        assertThat(code.statusClass()).isEqualTo((int) ((raw >>> 40) & 0xFF));
        assertThat(code.detailsL1()).isEqualTo((int) ((raw >>> 32) & 0xFF));
        assertThat(code.specName()).isPresent();
        assertThat(code.toString()).startsWith(code.specName().orElseThrow());
        assertThat(code.withOperand(OperandId.RCX).is(code)).isTrue();
        assertThat(code.withOperand(OperandId.RCX).operandId()).isEqualTo(1);
    }

    @Test
    @DisplayName("Values from Linux tdx_errno.h and the TDX module's error table")
    void knownValues() {
        assertThat(TdxStatus.OPERAND_INVALID.raw()).isEqualTo(0xC000010000000000L);
        assertThat(TdxStatus.OPERAND_BUSY.raw()).isEqualTo(0x8000020000000000L);
        assertThat(TdxStatus.PAGE_ALREADY_ACCEPTED.raw()).isEqualTo(0x00000B0A00000000L);
        assertThat(TdxStatus.PAGE_SIZE_MISMATCH.raw()).isEqualTo(0xC0000B0B00000000L);
        assertThat(TdxStatus.NO_VALID_VE_INFO.raw()).isEqualTo(0xC000070400000000L);
        assertThat(TdxStatus.OPERAND_INVALID.withOperand(OperandId.RCX).raw()).isEqualTo(0xC000010000000001L);
        assertThat(TdxStatus.OPERAND_INVALID.withOperand(OperandId.R8).raw()).isEqualTo(0xC000010000000008L);
        assertThat(TdxStatus.OPERAND_INVALID.statusClass()).isEqualTo(0x01);
        assertThat(TdxStatus.PAGE_SIZE_MISMATCH.statusClass()).isEqualTo(0x0B);
        assertThat(TdxStatus.SW_ERROR.statusClass()).isEqualTo(0xFF);
    }

    @Test
    @DisplayName("PAGE_ALREADY_ACCEPTED is a warning, not an error: isError() reads bit 63 only")
    void pageAlreadyAcceptedIsNotAnError() {
        TdxStatus warning = TdxStatus.PAGE_ALREADY_ACCEPTED.withDetails(1);
        assertThat(warning.isError()).isFalse();
        assertThat(warning.isSuccess()).isFalse();
        assertThat(warning.is(TdxStatus.PAGE_ALREADY_ACCEPTED)).isTrue();
        assertThat(warning).hasToString("TDX_PAGE_ALREADY_ACCEPTED(level 1) 0x00000b0a00000001");
        assertThat(TdxStatus.PAGE_SIZE_MISMATCH.withDetails(1).isError()).isTrue();
    }

    @Test
    @DisplayName("The operand id prints by name: TDX_OPERAND_INVALID(RCX)")
    void operandPrintsByName() {
        assertThat(new TdxStatus(0xC000010000000001L)).hasToString("TDX_OPERAND_INVALID(RCX) 0xc000010000000001");
        assertThat(new TdxStatus(0xC0000100000000A8L)).hasToString("TDX_OPERAND_INVALID(RTMR) 0xc0000100000000a8");
        assertThat(TdxStatus.SUCCESS).hasToString("TDX_SUCCESS");
    }

    /**
     * 2000 values from a fixed seed plus edge values; a failing case shows its value in the test name, which is
     * all it takes to replay it.
     */
    static LongStream randomValues() {
        return LongStream.concat(LongStream.of(0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFFFFFFL,
                0x8000000000000000L | 0xFFFFFFFFL), new SplittableRandom(0x7d4e2026L).longs(2000));
    }

    @ParameterizedTest
    @MethodSource("randomValues")
    @DisplayName("Any 64-bit RAX decodes; unknown codes print in hex and nothing throws")
    void anyValueDecodes(long raw) {
        TdxStatus s = new TdxStatus(raw);
        assertThat(s.isError()).isEqualTo(raw < 0);
        assertThat(s.operandId()).isEqualTo((int) raw);
        assertThat(s.code().raw()).isEqualTo(raw & 0xFFFFFFFF00000000L);
        String text = s.toString();
        assertThat(text).contains(raw == 0 ? "TDX_SUCCESS" : String.format("0x%016x", raw));
        if (s.specName().isEmpty() && raw != 0) {
            assertThat(text).startsWith("TDX_STATUS(0x" + Long.toHexString(raw & 0xFFFFFFFF00000000L) + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("randomValues")
    @DisplayName("Open value types: any received code prints its name or its hex value, never throws")
    void openValueTypesNeverThrow(long raw) {
        int i = (int) (raw >>> 17);
        assertThat(new TdvmcallStatus(raw).toString()).isNotEmpty();
        assertThat(new TdvmcallSubFunction(raw).toString()).isNotEmpty();
        assertThat(new GetQuoteStatus(raw).toString()).isNotEmpty();
        assertThat(new VeExitReason(raw).toString()).isNotEmpty();
        assertThat(new TdcsField(raw).toString()).isNotEmpty();
        assertThat(new TdAttributes(raw).toString()).isNotEmpty();
        assertThat(new GprSelect(raw).toString()).isNotEmpty();
        assertThat(new IoExitQualification(raw).toString()).isNotEmpty();
        assertThat(new TdcallRax(raw).toString()).isNotEmpty();
        assertThat(OperandId.of(i).toString()).isNotEmpty();
        assertThat(TdcallLeaf.ofRax(raw).toString()).isNotEmpty();
    }
}
