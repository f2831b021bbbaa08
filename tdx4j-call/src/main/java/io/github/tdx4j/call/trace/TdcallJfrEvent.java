package io.github.tdx4j.call.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The JFR event recorded by {@link TracingTransport} for each call: {@code io.github.tdx4j.Tdcall}. */
@Name("io.github.tdx4j.Tdcall")
@Label("TDCALL")
@Category({"tdx4j"})
@Description("One TDCALL or TDVMCALL through the tdx4j transport seam")
final class TdcallJfrEvent extends jdk.jfr.Event {
    @Label("Kind")
    String kind;

    @Label("Leaf")
    String leaf;

    @Label("RAX in")
    long raxIn;

    @Label("RCX in")
    long rcxIn;

    @Label("RDX in")
    long rdxIn;

    @Label("R10 in")
    long r10In;

    @Label("R11 in")
    long r11In;

    @Label("R12 in")
    long r12In;

    @Label("RAX out")
    long raxOut;

    @Label("R10 out")
    long r10Out;

    @Label("R11 out")
    long r11Out;

    @Label("Status")
    String status;

    @Label("Origin")
    String origin;
}
