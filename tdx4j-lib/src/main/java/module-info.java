/**
 * The entry point for the common case: {@link io.github.tdx4j.Tdx} gives the
 * {@link io.github.tdx4j.guest.attest.TdAttestation} API on the embedded simulated TDX platform
 * ({@link io.github.tdx4j.Tdx#simulated()}), on a real Linux TDX guest ({@link io.github.tdx4j.Tdx#linux()}), or on
 * whichever this machine offers ({@link io.github.tdx4j.Tdx#detect()}). Reads the guest, simulator, Linux and
 * verification modules transitively, so one dependency is enough to get and verify quotes.
 */
module io.github.tdx4j {
    requires transitive io.github.tdx4j.guest;
    requires transitive io.github.tdx4j.attest;
    requires transitive io.github.tdx4j.sim;
    requires transitive io.github.tdx4j.linux;

    exports io.github.tdx4j;
}
