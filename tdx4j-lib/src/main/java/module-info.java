/**
 * The entry point for the common case: {@link io.github.tdx4j.Tdx} gives the
 * {@link io.github.tdx4j.guest.attest.TdAttestation} API on the embedded simulated TDX platform
 * ({@link io.github.tdx4j.Tdx#simulated()}), on a real Linux TDX guest ({@link io.github.tdx4j.Tdx#linux()}), or on
 * whichever this machine offers ({@link io.github.tdx4j.Tdx#detect()}). Reads the guest, simulator, Linux and
 * verification modules transitively, so one dependency is enough to get and verify quotes.
 * {@link io.github.tdx4j.trace.TraceRecorder} draws a traced guest as a sequence-diagram page.
 *
 * <p>{@code io.github.tdx4j.trace.internal} (the page builder with its one escaping function, the trace formatter,
 * the diagram) is not API: it is exported only to the command line, whose verify, campaign and demo pages use it.
 */
// "module": the command line module is compiled after this one, so javac cannot see the qualified export's target.
@SuppressWarnings("module")
module io.github.tdx4j {
    requires transitive io.github.tdx4j.guest;
    requires transitive io.github.tdx4j.attest;
    requires transitive io.github.tdx4j.sim;
    requires transitive io.github.tdx4j.linux;

    exports io.github.tdx4j;
    exports io.github.tdx4j.trace;
    exports io.github.tdx4j.trace.internal to io.github.tdx4j.cli;
}
