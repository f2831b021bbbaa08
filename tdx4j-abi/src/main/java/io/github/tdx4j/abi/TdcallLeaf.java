package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * A TDCALL leaf number, the low 16 bits of RAX on TDCALL.
 *
 * <p>TDX Module ABI v1.5, "TDCALL Instruction Leaf Functions"; numbers as in intel/tdx-module
 * {@code include/tdx_api_defs.h} (branch tdx_1.5). An open value type: the simulated module receives leaves
 * from guest code, so any number decodes and an unnamed one prints as {@code LEAF(0x…)}.
 *
 * @param number the leaf number, RAX[15:0]
 */
public record TdcallLeaf(int number) {
    private static final CodeNames NAMES = new CodeNames("LEAF");

    /** TDG.VP.VMCALL: call the host VMM (a TDVMCALL); GHCI 1.5, "TDG.VP.VMCALL Interface". */
    public static final TdcallLeaf TDG_VP_VMCALL = define(0, "TDG.VP.VMCALL");
    /** TDG.VP.INFO: GPA width, TD attributes and vCPU counts; ABI v1.5, "TDG.VP.INFO Leaf". */
    public static final TdcallLeaf TDG_VP_INFO = define(1, "TDG.VP.INFO");
    /** TDG.MR.RTMR.EXTEND: extend an RTMR with a 48-byte digest; ABI v1.5, "TDG.MR.RTMR.EXTEND Leaf". */
    public static final TdcallLeaf TDG_MR_RTMR_EXTEND = define(2, "TDG.MR.RTMR.EXTEND");
    /** TDG.VP.VEINFO.GET: read and invalidate the #VE information; ABI v1.5, "TDG.VP.VEINFO.GET Leaf". */
    public static final TdcallLeaf TDG_VP_VEINFO_GET = define(3, "TDG.VP.VEINFO.GET");
    /** TDG.MR.REPORT: create a TDREPORT_STRUCT; ABI v1.5, "TDG.MR.REPORT Leaf". */
    public static final TdcallLeaf TDG_MR_REPORT = define(4, "TDG.MR.REPORT");
    /** TDG.VP.CPUIDVE.SET: control #VE on CPUID; ABI v1.5, "TDG.VP.CPUIDVE.SET Leaf". */
    public static final TdcallLeaf TDG_VP_CPUIDVE_SET = define(5, "TDG.VP.CPUIDVE.SET");
    /** TDG.MEM.PAGE.ACCEPT: accept a pending private page; ABI v1.5, "TDG.MEM.PAGE.ACCEPT Leaf". */
    public static final TdcallLeaf TDG_MEM_PAGE_ACCEPT = define(6, "TDG.MEM.PAGE.ACCEPT");
    /** TDG.VM.RD: read a TD-scope metadata field; ABI v1.5, "TDG.VM.RD Leaf". */
    public static final TdcallLeaf TDG_VM_RD = define(7, "TDG.VM.RD");
    /** TDG.VM.WR: write a TD-scope metadata field under a mask; ABI v1.5, "TDG.VM.WR Leaf". */
    public static final TdcallLeaf TDG_VM_WR = define(8, "TDG.VM.WR");
    /** TDG.VP.RD: read a vCPU-scope metadata field; ABI v1.5, "TDG.VP.RD Leaf". */
    public static final TdcallLeaf TDG_VP_RD = define(9, "TDG.VP.RD");
    /** TDG.VP.WR: write a vCPU-scope metadata field; ABI v1.5, "TDG.VP.WR Leaf". */
    public static final TdcallLeaf TDG_VP_WR = define(10, "TDG.VP.WR");
    /** TDG.SYS.RD: read a TDX-module global metadata field; ABI v1.5, "TDG.SYS.RD Leaf". */
    public static final TdcallLeaf TDG_SYS_RD = define(11, "TDG.SYS.RD");
    /** TDG.SYS.RDALL: read all TDX-module global metadata; ABI v1.5, "TDG.SYS.RDALL Leaf". */
    public static final TdcallLeaf TDG_SYS_RDALL = define(12, "TDG.SYS.RDALL");
    /** TDG.SERVTD.RD: read a target TD's metadata from a service TD; ABI v1.5, "TDG.SERVTD.RD Leaf". */
    public static final TdcallLeaf TDG_SERVTD_RD = define(18, "TDG.SERVTD.RD");
    /** TDG.SERVTD.WR: write a target TD's metadata from a service TD; ABI v1.5, "TDG.SERVTD.WR Leaf". */
    public static final TdcallLeaf TDG_SERVTD_WR = define(20, "TDG.SERVTD.WR");
    /** TDG.MR.VERIFYREPORT: verify a REPORTMACSTRUCT of this platform; ABI v1.5, "TDG.MR.VERIFYREPORT Leaf". */
    public static final TdcallLeaf TDG_MR_VERIFYREPORT = define(22, "TDG.MR.VERIFYREPORT");
    /** TDG.MEM.PAGE.ATTR.RD: read GPA attributes (TD partitioning); ABI v1.5, "TDG.MEM.PAGE.ATTR.RD Leaf". */
    public static final TdcallLeaf TDG_MEM_PAGE_ATTR_RD = define(23, "TDG.MEM.PAGE.ATTR.RD");
    /** TDG.MEM.PAGE.ATTR.WR: write GPA attributes (TD partitioning); ABI v1.5, "TDG.MEM.PAGE.ATTR.WR Leaf". */
    public static final TdcallLeaf TDG_MEM_PAGE_ATTR_WR = define(24, "TDG.MEM.PAGE.ATTR.WR");
    /** TDG.VP.ENTER: enter an L2 VM (TD partitioning); ABI v1.5, "TDG.VP.ENTER Leaf". */
    public static final TdcallLeaf TDG_VP_ENTER = define(25, "TDG.VP.ENTER");
    /** TDG.VP.INVEPT: invalidate L2 EPT mappings (TD partitioning); ABI v1.5, "TDG.VP.INVEPT Leaf". */
    public static final TdcallLeaf TDG_VP_INVEPT = define(26, "TDG.VP.INVEPT");
    /** TDG.VP.INVVPID: invalidate L2 TLB entries (TD partitioning); ABI v1.5, "TDG.VP.INVVPID Leaf". */
    public static final TdcallLeaf TDG_VP_INVVPID = define(27, "TDG.VP.INVVPID");

    public TdcallLeaf {
        if (number < 0 || number > 0xFFFF) {
            throw new IllegalArgumentException("a TDCALL leaf is RAX[15:0], 0..0xFFFF: " + number);
        }
    }

    private static TdcallLeaf define(int number, String name) {
        NAMES.define(number, name);
        return new TdcallLeaf(number);
    }

    /** The leaf in RAX[15:0] of a raw RAX value; the version and reserved bits are ignored here. */
    public static TdcallLeaf ofRax(long rax) {
        return new TdcallLeaf((int) (rax & 0xFFFF));
    }

    /** The spec name ({@code TDG.VP.INFO}), if the ABI tables name this leaf. */
    public Optional<String> specName() {
        return NAMES.name(number);
    }

    /** Whether the ABI tables name this leaf. */
    public boolean isKnown() {
        return specName().isPresent();
    }

    /** RAX for this leaf at version 0: the leaf number with every other bit zero. */
    public long rax() {
        return number;
    }

    @Override
    public String toString() {
        return NAMES.describe(number);
    }
}
