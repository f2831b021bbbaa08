package io.github.tdx4j.call;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallStatus;

/**
 * The VMM's answer to a TDVMCALL whose mechanism worked (RAX == 0): a value the caller must handle.
 *
 * <p>Only R10 == 0 is {@link Success}. R10 == 1 is {@link Retry}. Every other value — the GHCI's named errors and
 * any value the GHCI does not define — is a {@link VmmError}, origin VMM. The registers are already scrubbed: the
 * sub-function's declared outputs carry the VMM's values, RBX and R12–R15 not declared as outputs hold what the
 * caller passed, and everything else reads zero.
 */
public sealed interface VmcallResult permits VmcallResult.Success, VmcallResult.Retry, VmcallResult.VmmError {

    /** R10 as the VMM wrote it. */
    TdvmcallStatus status();

    /** The scrubbed register file after the call. */
    Registers registers();

    /** The value of an output register (zero for any register the sub-function does not define as output). */
    default long out(Gpr gpr) {
        return registers().get(gpr);
    }

    /** R10 == 0. */
    record Success(Registers registers) implements VmcallResult {
        @Override
        public TdvmcallStatus status() {
            return TdvmcallStatus.SUCCESS;
        }
    }

    /** R10 == TDVMCALL_STATUS_RETRY: call again (MapGPA resumes at R11). */
    record Retry(Registers registers) implements VmcallResult {
        @Override
        public TdvmcallStatus status() {
            return TdvmcallStatus.RETRY;
        }
    }

    /** Any other R10, named or not: the VMM refused or failed. */
    record VmmError(TdvmcallStatus status, Registers registers) implements VmcallResult {
    }
}
