package io.github.tdx4j.call;

import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdxStatus;

/**
 * The TDX module failed a call that has no legitimate reason to fail: TDCALL(TDG.VP.VMCALL) returned RAX != 0
 * (the TDVMCALL <em>mechanism</em> failed, as opposed to the VMM's answer in R10), or a must-succeed leaf such as
 * TDG.VP.INFO or TDG.VP.VEINFO.GET returned an error.
 *
 * <p>Linux: {@code panic("TDVMCALL failed. TDX module bug?")} and
 * {@code panic("TDCALL %lld failed (Buggy TDX module!)")}. Always fatal, never returned as a value. Origin:
 * {@link Origin#TDX_MODULE}.
 */
public final class TdxModuleFault extends TdxPanic {
    private static final long serialVersionUID = 1L;

    private final transient TdcallLeaf leaf;
    private final long rax;
    private final transient Registers arguments;

    public TdxModuleFault(TdcallLeaf leaf, long rax, Registers arguments) {
        super(TdxFailure.sensitive(Origin.TDX_MODULE, "tdx.tdcall." + leaf,
                (leaf.equals(TdcallLeaf.TDG_VP_VMCALL) ? "TDVMCALL failed. TDX module bug? " : "TDCALL " + leaf
                        + " failed (buggy TDX module): ") + "RAX=" + new TdxStatus(rax) + ", arguments " + arguments));
        this.leaf = leaf;
        this.rax = rax;
        this.arguments = arguments;
    }

    /** The leaf that failed. */
    public TdcallLeaf leaf() {
        return leaf;
    }

    /** The raw RAX the module returned. */
    public long rax() {
        return rax;
    }

    /** The registers the call was made with. */
    public Registers arguments() {
        return arguments;
    }
}
