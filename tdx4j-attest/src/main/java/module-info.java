/** TDREPORT and quote formats, pure-Java DCAP quote verification, collateral and policy. */
module io.github.tdx4j.attest {
    requires transitive io.github.tdx4j.abi;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.util;
    requires com.fasterxml.jackson.databind;

    exports io.github.tdx4j.attest.format;
    exports io.github.tdx4j.attest.eventlog;
}
