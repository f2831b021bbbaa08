/**
 * The TDCALL / TDVMCALL call layer: the system of "x86/tdx: Add __tdcall() and __tdvmcall() helper functions".
 *
 * <p>{@link io.github.tdx4j.call.TdxTransport} is the one seam that "executes TDCALL"; everything above it
 * (guest services) is written against it and everything below it (the simulated platform, a real TD) implements
 * it. {@link io.github.tdx4j.call.TdxCalls} holds the helpers; {@link io.github.tdx4j.call.policy} the origin
 * policy; {@link io.github.tdx4j.call.trace} the tracing and checking decorators.
 */
module io.github.tdx4j.call {
    requires transitive io.github.tdx4j.abi;
    requires jdk.jfr;

    exports io.github.tdx4j.call;
    exports io.github.tdx4j.call.policy;
    exports io.github.tdx4j.call.trace;
    exports io.github.tdx4j.call.platform;
}
