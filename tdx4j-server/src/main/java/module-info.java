/**
 * {@code tdx4j serve}: quote verification with EAR attestation-result tokens, a PCCS-compatible collateral face,
 * an Intel Trust Authority-compatible face and a web page, on Helidon SE WebServer (virtual threads).
 *
 * <p>{@link io.github.tdx4j.server.TdxServer} is the entry point.
 */
module io.github.tdx4j.server {
    requires transitive io.github.tdx4j.attest;
    requires io.github.tdx4j.sim;
    requires io.github.tdx4j.call;
    requires io.helidon.webserver;
    requires io.helidon.http;
    requires io.helidon.common.tls;
    requires io.helidon.logging.common;
    requires com.nimbusds.jose.jwt;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires com.fasterxml.jackson.databind;

    exports io.github.tdx4j.server;

    provides io.helidon.logging.common.spi.LoggingProvider with io.github.tdx4j.server.logging.JulLogging;
}
