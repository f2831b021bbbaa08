package io.github.tdx4j.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a {@link VmcallRequest} says about itself (standard vs vendor, its sub-function, its log name, a changed
 * output set) and that {@link ModuleCallResult} hands out each output register it was given. Found uncovered by
 * mutation testing (-Pmutation).
 */
final class VmcallRequestShapeTest {
    @Test
    void aStandardRequestNamesItsSubFunction() {
        VmcallRequest r = VmcallRequest.standard(TdvmcallSubFunction.MAP_GPA, 1, 2, 3, 4);
        assertTrue(r.isStandard());
        assertEquals(TdvmcallSubFunction.MAP_GPA, r.subFunction());
        assertEquals("MapGPA", r.describe());
    }

    @Test
    void aVendorRequestIsNotStandardAndIsNamedByItsHexNumber() {
        VmcallRequest r = VmcallRequest.vendor(0x4b, 0, 0, 0, 0);
        assertFalse(r.isStandard());
        assertEquals("vendor 0x4b", r.describe());
    }

    @Test
    void withOutputsReplacesTheOutputSetAndKeepsTheArguments() {
        VmcallRequest r = VmcallRequest.standard(TdvmcallSubFunction.MAP_GPA, 0x1000, 0x2000, 0, 0)
                .withOutputs(Set.of(Gpr.R11, Gpr.R13));
        assertEquals(Set.of(Gpr.R11, Gpr.R13), r.outputs());
        assertEquals(0x1000, r.r12());
        assertEquals(0x2000, r.r13());
        assertThrows(IllegalArgumentException.class, () -> r.withOutputs(Set.of(Gpr.R10)));
    }

    @Test
    void aModuleCallResultHandsOutEachOutputRegister() {
        Registers out = new Registers(0, 0x11, 0x22, 0, 0, 0, 0x88, 0x99, 0x1010, 0x1111, 0, 0, 0, 0);
        ModuleCallResult r = new ModuleCallResult(TdcallLeaf.TDG_VP_INFO, TdxStatus.SUCCESS, out);
        assertEquals(0x11, r.rcx());
        assertEquals(0x22, r.rdx());
        assertEquals(0x88, r.r8());
        assertEquals(0x99, r.r9());
        assertEquals(0x1010, r.r10());
        assertEquals(0x1111, r.r11());
        assertFalse(r.isError());
    }
}
