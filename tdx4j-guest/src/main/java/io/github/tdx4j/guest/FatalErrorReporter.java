package io.github.tdx4j.guest;

import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPolicyPanic;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.policy.FailureHandler;
import java.util.Objects;

/**
 * TDG.VP.VMCALL&lt;ReportFatalError&gt;: tells the VMM why the TD stops. Linux {@code tdx_panic}.
 *
 * <p>GHCI 1.5, "TDG.VP.VMCALL&lt;ReportFatalError&gt;": R12 = error code (0: panic; bit 63 clear, so R13 carries
 * no GPA), and a 64-byte ASCII message, NUL-padded, in R14, R15, RBX, RDI, RSI, R8, R9, RDX in that order, 8
 * bytes each, little-endian. Linux then issues the call again for ever; here the TD stops by throwing the
 * {@link TdxPolicyPanic} instead.
 */
public final class FatalErrorReporter {
    /** TDX_GHCI_MAX_MSG_LEN: the message is 64 bytes. */
    public static final int MESSAGE_BYTES = 64;
    /** Error code 0: panic. */
    public static final long ERROR_CODE_PANIC = 0;

    private final TdxCalls calls;
    private final FailureHandler failures;

    public FatalErrorReporter(TdxCalls calls, FailureHandler failures) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.failures = Objects.requireNonNull(failures, "failures");
    }

    /** The request for {@code message}: ASCII (anything else as '?'), cut at 64 bytes, NUL-padded. */
    public static VmcallRequest request(String message) {
        byte[] m = new byte[MESSAGE_BYTES];
        for (int i = 0; i < Math.min(message.length(), MESSAGE_BYTES); i++) {
            char c = message.charAt(i);
            m[i] = (byte) (c >= 0x20 && c < 0x7F ? c : '?');
        }
        long[] q = new long[8];
        for (int i = 0; i < MESSAGE_BYTES; i++) {
            q[i / 8] |= (m[i] & 0xFFL) << (8 * (i % 8));
        }
        // Message words 0..7 go to R14, R15, RBX, RDI, RSI, R8, R9, RDX.
        return VmcallRequest.standard(TdvmcallSubFunction.REPORT_FATAL_ERROR, ERROR_CODE_PANIC, 0, q[0], q[1])
                .withExtended(q[2], q[3], q[4], q[5], q[6], q[7]);
    }

    /**
     * Sends ReportFatalError with the failure's detail as the message and returns the panic to throw. Whatever the
     * VMM answers, the TD stops.
     */
    public TdxPolicyPanic report(TdxFailure failure) {
        try {
            calls.tdvmcall(request(failure.detail()));
        } catch (io.github.tdx4j.call.TdxPanic | VirtualMachineError | LinkageError | AssertionError e) {
            // A module fault, a JVM in trouble or a failed test assertion is not "the TD stopped": pass it on.
            throw e;
        } catch (RuntimeException | Error stopped) {
            // The platform may stop the TD inside the call (the simulator throws its TdStopped when the VMM handles
            // ReportFatalError): the TD stops either way; the panic says why, with the platform's report attached.
            TdxPolicyPanic f = failures.fatal(failure);
            f.addSuppressed(stopped);
            return f;
        }
        return failures.fatal(failure);
    }
}
