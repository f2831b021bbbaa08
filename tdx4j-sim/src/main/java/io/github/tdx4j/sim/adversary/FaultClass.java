package io.github.tdx4j.sim.adversary;

/**
 * The fault classes A–L of the campaign (tdx4j-campaign/README.md, "Input sites"), which group what an adversary
 * can do at a host-to-guest input point. K (leak probes) and L (log volume) are not faults but oracles
 * checked on every run; they are listed so that a coverage table names all twelve.
 */
public enum FaultClass {
    /** A: the TDX module misbehaves (non-zero RAX on TDG.VP.VMCALL, invalid VEINFO, busy, spec-violating outputs). */
    A("TDX-module faults"),
    /** B: VMM status codes in R10: named errors, undefined values, RETRY where it is undefined. */
    B("VMM status codes (R10)"),
    /** C: MapGPA RETRY storms and resume addresses. */
    C("RETRY storms (MapGPA)"),
    /** D: garbage in output registers and in registers the leaf does not define. */
    D("garbage in output registers"),
    /** E: out-of-range lengths and values (GetQuote out_len). */
    E("out-of-range values"),
    /** F: CPUID lies in the hypervisor range. */
    F("CPUID lies"),
    /** G: GetQuote status, completion timing and buffer misbehaviour. */
    G("GetQuote misbehaviour"),
    /** H: partial or lying MapGPA conversions. */
    H("partial MapGPA and conversion failure"),
    /** I: interrupts the guest did not ask for, their vectors and timing; EPT violations the host refuses. */
    I("spurious interrupts and EPT events"),
    /** J: MMIO and port I/O policy (the guest's side: what it forwards). */
    J("MMIO and port I/O policy"),
    /** K: leak probes (an oracle on every run). */
    K("leak probes"),
    /** L: log-volume probes (an oracle on every run). */
    L("log volume");

    private final String title;

    FaultClass(String title) {
        this.title = title;
    }

    /** The class's title, as the campaign report prints it. */
    public String title() {
        return title;
    }
}
