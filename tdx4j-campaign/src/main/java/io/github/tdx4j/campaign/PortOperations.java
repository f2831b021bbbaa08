package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.io.PortSize;
import io.github.tdx4j.sim.ExecutionResult;

/**
 * Port I/O operations: IN and OUT through the #VE handler (x86 code on the vCPU) and directly through the guest's
 * {@code PortIo}, on ports up to 0xFFFF, each with the architectural result worked out from {@link SpecTables}
 * (never the guest's {@code PortSize}) and the Instruction.IO exit it must cause announced to {@link ExitOracle}.
 */
final class PortOperations {
    private final CampaignRun run;
    private final GuestOperations ops;

    PortOperations(CampaignRun run, GuestOperations ops) {
        this.run = run;
        this.ops = ops;
    }

    /** The access size of {@code size} in bytes, typed in from SDM "IN"/"OUT" rather than asked of the guest. */
    private static int bytesOf(PortSize size) {
        return switch (size) {
            case BYTE -> 1;
            case WORD -> 2;
            case DWORD -> 4;
        };
    }

    private <T> T pick(T[] values) {
        return values[run.rnd.nextInt(values.length)];
    }

    private int port() {
        // COM1 data, IER, LSR; POST 0x80; CMOS 0x70; unclaimed 0x601; PCI 0xCF8; the last port 0xFFFF (never
        // 0x501: isa-debug-exit would stop the TD honestly, which is not a fault).
        int[] ports = {0x3F8, 0x3F9, 0x3FD, 0x80, 0x70, 0x601, 0xCF8, SpecTables.MAX_PORT};
        return ports[run.rnd.nextInt(ports.length)];
    }

    /**
     * The IN or OUT instruction of an access size: {@code byteOpcode} for one byte; {@code wordOpcode} with the
     * operand-size prefix 66 for two, without it for four (SDM "IN" and "OUT", the forms with the port in DX).
     */
    private static byte[] sized(int bytes, int byteOpcode, int wordOpcode) {
        return switch (bytes) {
            case 1 -> new byte[] {(byte) byteOpcode};
            case 2 -> new byte[] {0x66, (byte) wordOpcode};
            default -> new byte[] {(byte) wordOpcode};
        };
    }

    /** RDX with the port in DX and a canary above it, which the instruction must not use. */
    private static long dxWithPort(int port) {
        return Canaries.canary(2) & ~0xFFFFL | port;
    }

    /**
     * IN AL/AX/EAX, DX through the #VE handler: RAX from the VMM's R11 by {@link SpecTables#portInRax}, nothing else.
     * The instruction bytes and their sizes are the SDM's ("IN": EC, 66 ED, ED).
     */
    boolean portIn() {
        int bytes = 1 << run.rnd.nextInt(3);
        byte[] code = sized(bytes, 0xEC, 0xED);
        long[] regs = ops.seedRegisters();
        int port = port();
        regs[Gpr.RDX.number()] = dxWithPort(port);
        long rax = regs[Gpr.RAX.number()];
        long exitsBefore = run.exits;
        expectIo(port, bytes, -1);
        ExecutionResult r = ops.runCode(code, regs);
        if (r instanceof ExecutionResult.Completed) {
            regs[Gpr.RAX.number()] = SpecTables.portInRax(bytes, rax, ops.vmmAnswer(Gpr.R11));
        } else if (run.exits != exitsBefore) {
            // Linux handle_in: a VMM error clears the access-size bits; a fault before the TDVMCALL changes nothing.
            regs[Gpr.RAX.number()] = SpecTables.portInRax(bytes, rax, 0);
        }
        return RegisterOracle.checkRegisters(run, r, regs);
    }

    /** OUT DX, AL/AX/EAX (SDM "OUT": EE, 66 EF, EF): only the access size of RAX leaves the TD, in R15. */
    boolean portOut() {
        int bytes = 1 << run.rnd.nextInt(3);
        byte[] code = sized(bytes, 0xEE, 0xEF);
        long[] regs = ops.seedRegisters();
        int port = port();
        regs[Gpr.RDX.number()] = dxWithPort(port);
        expectIo(port, bytes, SpecTables.portOutValue(bytes, regs[Gpr.RAX.number()]));
        return RegisterOracle.checkRegisters(run, ops.runCode(code, regs), regs);
    }

    private void expectIo(int port, int bytes, long outValue) {
        run.expectPort = port;
        run.expectIoBytes = bytes;
        run.expectOutValue = outValue;
    }

    boolean directIn() {
        PortSize size = pick(PortSize.values());
        int bytes = bytesOf(size);
        long rax = Canaries.canary(0) | run.rnd.nextInt(1 << 16) << 8;
        int port = port();
        long failuresBefore = run.guest.failures().count(Origin.VMM);
        expectIo(port, bytes, -1);
        long got = run.guest.portIo().in(size, port, rax);
        boolean failed = run.guest.failures().count(Origin.VMM) > failuresBefore;
        // DirectPortIo reads all ones on a VMM error, as a bus with nothing answering does.
        long expected = SpecTables.portInRax(bytes, rax, failed ? -1L : ops.vmmAnswer(Gpr.R11));
        if (got != expected) {
            run.violation(Oracle.CORRUPTION, String.format("direct IN size %d: RAX 0x%x, architecturally 0x%x",
                    bytes, got, expected));
        }
        return true;
    }

    boolean directOut() {
        PortSize size = pick(PortSize.values());
        long rax = Canaries.canary(0) | run.rnd.nextInt(1 << 24);
        int port = port();
        expectIo(port, bytesOf(size), SpecTables.portOutValue(bytesOf(size), rax));
        run.guest.portIo().out(size, port, rax);
        return true;
    }
}
