package io.github.tdx4j.guest.io;

import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.VmcallRequest;

/**
 * The one encoder of TDG.VP.VMCALL&lt;Instruction.IO&gt;, shared by the #VE handler and {@link DirectPortIo} so
 * that both paths send the same request and apply the same {@link PortSize} rules to the answer.
 *
 * <p>GHCI 1.5, "TDG.VP.VMCALL&lt;Instruction.IO&gt;": R12 = size (1, 2 or 4), R13 = direction (0 read, 1 write),
 * R14 = port, R15 = the value to write (writes only); R11 returns the value read.
 */
public final class PortIoRequests {
    /** R13 for IN. */
    public static final long PORT_READ = 0;
    /** R13 for OUT. */
    public static final long PORT_WRITE = 1;

    private PortIoRequests() {
    }

    /** IN of {@code size} from {@code port} (0..0xFFFF); R15 is zero, so nothing of the guest reaches the VMM. */
    public static VmcallRequest in(PortSize size, int port) {
        return VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_IO, size.bytes(), PORT_READ, checkPort(port),
                0);
    }

    /** OUT of {@code size} to {@code port}: R15 = RAX restricted to the access size. */
    public static VmcallRequest out(PortSize size, int port, long rax) {
        return VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_IO, size.bytes(), PORT_WRITE, checkPort(port),
                size.operand(rax));
    }

    private static long checkPort(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new GuestBugException("tdx.pio.port", "an I/O port is 16 bits: 0x" + Integer.toHexString(port));
        }
        return port;
    }
}
