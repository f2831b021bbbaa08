package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.sim.vmm.VmcallExit;

/**
 * What the VMM sees at each TDVMCALL exit: no canary in any register ({@link Oracle#LEAK}), Linux's expose mask
 * ({@link Oracle#CALLER_REGISTERS}), Instruction.IO and #VE.RequestMMIO exits as the instruction means them
 * ({@link Oracle#CORRUPTION}), MapGPA's calls at one start and GetQuote on a buffer the host still holds.
 */
final class ExitOracle {
    private ExitOracle() {
    }

    /** What the VMM sees at each TDVMCALL exit: no register may hold a canary (the "no leak" oracle). */
    static void onExit(CampaignRun run, VmcallExit exit) {
        run.exits++;
        if (run.bufferGpa < 0 && exit.r10() == 0 && exit.r11() == 0x10002) {
            run.bufferGpa = exit.r12();
        }
        long sharedBit = run.td.config().sharedBit();
        if (run.op.equals("QUOTE") && exit.r10() == 0 && exit.r11() == 0x10001 && (exit.r12() & sharedBit) != 0) {
            run.quoteBuffers.add(new long[] {exit.r12() & ~sharedBit, (exit.r12() & ~sharedBit) + exit.r13()});
        }
        for (int i = 0; i < 16; i++) {
            if (Canaries.isCanary(exit.get(i))) {
                run.violation(Oracle.LEAK, String.format("the VMM saw canary 0x%x in %s of sub-function 0x%x",
                        exit.get(i), Gpr.ofNumber(i), exit.r11()));
            }
        }
        run.guestOps.probes.onExit(exit);
        if (run.guestOps.probes.inSimProbe()) {
            return;
        }
        if (exit.gprSelect().raw() != Probes.LINUX_EXPOSE_MASK) {
            run.violation(Oracle.CALLER_REGISTERS, String.format("the guest exposed %s to the VMM; Linux's "
                    + "TDVMCALL_EXPOSE_REGS_MASK is 0x%x", exit.gprSelect(), Probes.LINUX_EXPOSE_MASK));
        }
        if (exit.r10() != 0) {
            return;
        }
        long fn = exit.r11();
        if (fn == TdvmcallSubFunction.INSTRUCTION_IO.raw()) {
            checkIoExit(run, exit);
        } else if (fn == TdvmcallSubFunction.VE_REQUEST_MMIO.raw()) {
            checkMmioExit(run, exit);
        } else if (fn == TdvmcallSubFunction.MAP_GPA.raw()) {
            if (exit.r12() == run.mapGpaStart) {
                run.mapGpaSameStart++;
            } else {
                run.mapGpaStart = exit.r12();
                run.mapGpaSameStart = 1;
            }
            // Once per streak: a guest that never stops would otherwise add one violation per call.
            if (run.mapGpaSameStart == SpecTables.MAPGPA_NO_PROGRESS_RETRIES + 1) {
                run.violation(Oracle.WRONG_ORIGIN, String.format("MapGPA called %d times in a row at 0x%x; after %d "
                        + "RETRY answers without progress the conversion must fail", run.mapGpaSameStart, exit.r12(),
                        SpecTables.MAPGPA_NO_PROGRESS_RETRIES));
            }
        } else if (fn == TdvmcallSubFunction.GET_QUOTE.raw() && run.hostHoldsQuoteBuffer) {
            run.violation(Oracle.CORRUPTION, "GetQuote sent again while the host still holds the buffer "
                    + "(GET_QUOTE_IN_FLIGHT from a request that timed out)");
        }
    }

    /** Instruction.IO as the operation announced it: R12 size, R13 direction, R14 port, R15 the OUT value. */
    private static void checkIoExit(CampaignRun run, VmcallExit exit) {
        if (run.expectPort < 0) {
            return;
        }
        boolean out = run.expectOutValue >= 0;
        if (exit.r12() != run.expectIoBytes || exit.r13() != (out ? 1 : 0) || exit.r14() != run.expectPort) {
            run.violation(Oracle.CORRUPTION, String.format("Instruction.IO R12=%d R13=%d R14=0x%x, the instruction "
                    + "was %s of %d bytes at port 0x%x", exit.r12(), exit.r13(), exit.r14(), out ? "OUT" : "IN",
                    run.expectIoBytes, run.expectPort));
        } else if (out && exit.r15() != run.expectOutValue) {
            run.violation(Oracle.LEAK, String.format("OUT of %d bytes sent R15=0x%x; only 0x%x may leave the TD",
                    run.expectIoBytes, exit.r15(), run.expectOutValue));
        }
        run.expectPort = -1;
    }

    /** #VE.RequestMMIO as decoded from the instruction by the campaign's own table: size, direction, value. */
    private static void checkMmioExit(CampaignRun run, VmcallExit exit) {
        if (run.expectMmioBytes == 0) {
            return;
        }
        if (exit.r12() != run.expectMmioBytes || exit.r13() != (run.expectMmioIsWrite ? 1 : 0)) {
            run.violation(Oracle.CORRUPTION, String.format("#VE.RequestMMIO R12=%d R13=%d, the instruction %s %d "
                    + "bytes", exit.r12(), exit.r13(), run.expectMmioIsWrite ? "writes" : "reads",
                    run.expectMmioBytes));
        } else if (run.expectMmioIsWrite && exit.r15() != run.expectMmioWrite) {
            run.violation(Oracle.CORRUPTION, String.format("MMIO write sent R15=0x%x, the instruction stores 0x%x",
                    exit.r15(), run.expectMmioWrite));
        } else if (!run.expectMmioIsWrite && exit.r15() != 0) {
            run.violation(Oracle.LEAK, String.format("MMIO read sent R15=0x%x to the VMM; a read sends 0",
                    exit.r15()));
        }
        run.expectMmioBytes = 0;
    }
}
