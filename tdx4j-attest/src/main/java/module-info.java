/** TDREPORT and quote formats, pure-Java DCAP quote verification, collateral and policy. */
module io.github.tdx4j.attest {
    requires transitive io.github.tdx4j.abi;
    requires transitive java.net.http; // PcsClient takes an HttpClient in its public API
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.util;
    requires transitive com.fasterxml.jackson.databind; // VerificationJson answers Jackson trees

    exports io.github.tdx4j.attest.format;
    exports io.github.tdx4j.attest.eventlog;
    exports io.github.tdx4j.attest.collateral;
    exports io.github.tdx4j.attest.verify;
    exports io.github.tdx4j.attest.policy;
    exports io.github.tdx4j.attest.json;
}
