package io.github.tdx4j.call.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.call.Origin;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CallTrace}'s bound on recorded events, tested at the bound (capacity 0 and exactly full), and clear(). */
final class CallTraceCapacityTest {
    private static final TraceEvent HLT = new TraceEvent.Ve(VeExitReason.HLT, 0x1000, "handled", null);
    private static final TraceEvent CPUID_FAULT = new TraceEvent.Ve(VeExitReason.CPUID, 0x2000, "fault", Origin.VMM);

    @Test
    void capacityZeroIsAllowedAndRecordsNothing() {
        CallTrace trace = new CallTrace(0);
        trace.onEvent(HLT);
        assertEquals(List.of(), trace.events());
        assertEquals(1, trace.dropped());
    }

    @Test
    void negativeCapacityIsRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CallTrace(-1));
        assertEquals("capacity must be >= 0: -1", e.getMessage());
    }

    @Test
    void theEventThatFillsTheTraceIsKeptAndTheNextIsCountedAsDropped() {
        CallTrace trace = new CallTrace(2);
        trace.onEvent(HLT);
        trace.onEvent(CPUID_FAULT);
        assertEquals(List.of(HLT, CPUID_FAULT), trace.events());
        assertEquals(0, trace.dropped());
        trace.onEvent(HLT);
        assertEquals(2, trace.events().size());
        assertEquals(1, trace.dropped());
    }

    @Test
    void clearEmptiesTheTraceAndResetsTheDropCount() {
        CallTrace trace = new CallTrace(1);
        trace.onEvent(HLT);
        trace.onEvent(HLT);
        trace.clear();
        assertEquals(List.of(), trace.events());
        assertEquals(0, trace.dropped());
        trace.onEvent(CPUID_FAULT);
        assertEquals(List.of(CPUID_FAULT), trace.events());
    }

    @Test
    void aVeEventNamesItsOriginOnlyWhenNotHandled() {
        assertEquals("#VE      HLT                    RIP=0x1000 -> handled", HLT.describe());
        assertEquals("#VE      CPUID                  RIP=0x2000 -> fault [VMM]", CPUID_FAULT.describe());
        assertEquals(TraceEvent.Kind.VE, HLT.kind());
        assertEquals("CPUID", CPUID_FAULT.leaf());
        assertEquals("fault", CPUID_FAULT.status());
    }
}
