package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * The VMM's status for a TDVMCALL: R10 after TDG.VP.VMCALL returns.
 *
 * <p>GHCI 1.5, "TDG.VP.VMCALL Status Codes"; values as in Linux {@code asm/shared/tdx.h} and QEMU's
 * {@code tdx.h}. Written by the untrusted VMM, so this is an open value type: any 64-bit value decodes, and
 * only {@link #SUCCESS} (zero) means success — {@link #RETRY} is a request to call again and every other value,
 * named or not, is a failure.
 *
 * @param raw the 64-bit R10 value
 */
public record TdvmcallStatus(long raw) {
    private static final CodeNames NAMES = new CodeNames("TDVMCALL_STATUS");

    /** TDVMCALL_STATUS_SUCCESS. */
    public static final TdvmcallStatus SUCCESS = define(0x0L, "TDVMCALL_STATUS_SUCCESS");
    /** TDVMCALL_STATUS_RETRY: call again (MapGPA resumes at R11; GetQuote when too many requests are queued). */
    public static final TdvmcallStatus RETRY = define(0x1L, "TDVMCALL_STATUS_RETRY");
    /** TDVMCALL_STATUS_INVALID_OPERAND. */
    public static final TdvmcallStatus INVALID_OPERAND = define(0x8000_0000_0000_0000L, "TDVMCALL_STATUS_INVALID_OPERAND");
    /** TDVMCALL_STATUS_GPA_INUSE. */
    public static final TdvmcallStatus GPA_INUSE = define(0x8000_0000_0000_0001L, "TDVMCALL_STATUS_GPA_INUSE");
    /** TDVMCALL_STATUS_ALIGN_ERROR. */
    public static final TdvmcallStatus ALIGN_ERROR = define(0x8000_0000_0000_0002L, "TDVMCALL_STATUS_ALIGN_ERROR");
    /** TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED (KVM since Linux 6.16; earlier hosts answered INVALID_OPERAND). */
    public static final TdvmcallStatus SUBFUNC_UNSUPPORTED = define(0x8000_0000_0000_0003L, "TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED");

    private static TdvmcallStatus define(long raw, String name) {
        NAMES.define(raw, name);
        return new TdvmcallStatus(raw);
    }

    /** R10 == 0. The only success. */
    public boolean isSuccess() {
        return raw == 0;
    }

    /** R10 == 1. */
    public boolean isRetry() {
        return raw == 1;
    }

    public Optional<String> specName() {
        return NAMES.name(raw);
    }

    public boolean isKnown() {
        return specName().isPresent();
    }

    @Override
    public String toString() {
        return NAMES.describe(raw);
    }
}
