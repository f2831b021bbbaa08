package io.github.tdx4j.guest.io;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.platform.VcpuContext;
import io.github.tdx4j.call.policy.FailureHandler;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Port I/O without a #VE: the seed's "in/out instruction substitution", today the decompressor's and early boot's
 * {@code pio_ops} replacement (Linux arch/x86/boot/compressed/tdx.c, {@code tdx_io_in}/{@code tdx_io_out}).
 * Each IN or OUT is issued directly as TDG.VP.VMCALL&lt;Instruction.IO&gt; through the same encoder and the same
 * {@link PortSize} rules as the #VE handler, so both give identical results for identical VMM behaviour.
 *
 * <p>Differences from the #VE path, both the decompressor's: a VMM error on IN reads as all ones in the access
 * size ({@code UINT_MAX} truncated, merged into RAX by the usual rules) instead of a fault, and a VMM error on OUT
 * is ignored. Both are still reported to the {@link FailureHandler} as VMM failures. A TDX-module failure of the
 * TDVMCALL is fatal, as everywhere.
 */
public final class DirectPortIo {
    private final TdxCalls calls;
    private final FailureHandler failures;

    public DirectPortIo(TdxCalls calls, FailureHandler failures) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.failures = Objects.requireNonNull(failures, "failures");
    }

    /**
     * IN of {@code size} from {@code port}: the new RAX, given the caller's {@code rax}. Only the access-size bits
     * come from the VMM; BYTE and WORD keep the rest of {@code rax}, DWORD zero-extends.
     */
    public long in(PortSize size, int port, long rax) {
        VmcallResult r = calls.tdvmcall(PortIoRequests.in(size, port));
        if (r instanceof VmcallResult.Success) {
            return size.assign(rax, r.out(Gpr.R11));
        }
        failures.report(TdxFailure.of(Origin.VMM, "tdx.pio.in.vmm-error",
                "Instruction.IO IN size " + size.bytes() + " port 0x" + Integer.toHexString(port) + " failed: "
                        + r.status() + "; reading all ones"));
        return size.assign(rax, -1L);
    }

    /** OUT of the access-size bits of {@code rax} to {@code port}. */
    public void out(PortSize size, int port, long rax) {
        VmcallResult r = calls.tdvmcall(PortIoRequests.out(size, port, rax));
        if (!(r instanceof VmcallResult.Success)) {
            failures.report(TdxFailure.of(Origin.VMM, "tdx.pio.out.vmm-error",
                    "Instruction.IO OUT size " + size.bytes() + " port 0x" + Integer.toHexString(port) + " failed: "
                            + r.status()));
        }
    }

    /** {@code IN AL/AX/EAX, port} on a vCPU's registers: RAX is the only register written. */
    public void in(VcpuContext cpu, PortSize size, int port) {
        cpu.set(Gpr.RAX, in(size, port, cpu.get(Gpr.RAX)));
    }

    /** {@code OUT port, AL/AX/EAX} on a vCPU's registers: no register is written. */
    public void out(VcpuContext cpu, PortSize size, int port) {
        out(size, port, cpu.get(Gpr.RAX));
    }

    /** INB as the decompressor's {@code pio_ops.f_inb}: the byte read (0xFF on a VMM error). */
    public int inb(int port) {
        return (int) in(PortSize.BYTE, port, 0);
    }

    /** OUTB as {@code pio_ops.f_outb}. */
    public void outb(int port, int value) {
        out(PortSize.BYTE, port, value);
    }

    /** Writes {@code text} byte by byte to a UART data register (earlyprintk on port 0x3F8). */
    public void print(int port, String text) {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            outb(port, b & 0xFF);
        }
    }
}
