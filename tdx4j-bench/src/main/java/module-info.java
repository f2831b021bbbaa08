/** JMH benchmarks of the simulator and the quote verifier. */
module io.github.tdx4j.bench {
    requires io.github.tdx4j.sim;
    requires io.github.tdx4j.guest;
    requires io.github.tdx4j.attest;
    requires jmh.core;
}
