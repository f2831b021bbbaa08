/** Test suites every backend runs: the {@code TdAttestation} contract. */
module io.github.tdx4j.testkit {
    requires transitive io.github.tdx4j.guest;
    requires io.github.tdx4j.attest;
    requires transitive org.junit.jupiter.api;
    requires org.assertj.core;

    exports io.github.tdx4j.testkit;
    opens io.github.tdx4j.testkit to org.junit.platform.commons;
}
