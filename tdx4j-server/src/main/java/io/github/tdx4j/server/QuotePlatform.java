package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import io.github.tdx4j.attest.collateral.PcsClient.Tee;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Which collateral a quote needs, read from the quote before verification: its TEE (quote version 3 is an SGX
 * quote, 4 and 5 TD quotes), and from the PCK certificate it carries, the platform's FMSPC and the issuing PCK CA.
 * Nothing is trusted here; the verifier checks the chain afterwards.
 *
 * @param tee   the TEE
 * @param fmspc the FMSPC, 12 upper-case hex digits
 * @param ca    the PCK CA that issued the PCK certificate
 */
record QuotePlatform(Tee tee, String fmspc, PckCa ca) {
    /** The platform of {@code quote}, or empty when the quote carries no readable PCK certificate. */
    static Optional<QuotePlatform> of(byte[] quote) {
        try {
            boolean sgx = quote.length >= 2 && ((quote[0] & 0xFF) | (quote[1] & 0xFF) << 8) == SgxQuote.VERSION_3;
            Optional<PckCertChain> chain = sgx
                    ? SgxQuote.decode(quote).qeReportCertificationData().pckCertChain()
                    : Quote.decode(quote).pckCertChain();
            if (chain.isEmpty()) {
                return Optional.empty();
            }
            X509Certificate leaf = chain.get().pckCertificate();
            PckCa ca = leaf.getIssuerX500Principal().getName().contains("Processor") ? PckCa.PROCESSOR : PckCa.PLATFORM;
            String fmspc = HexFormat.of().formatHex(chain.get().pckExtensions().fmspc()).toUpperCase(Locale.ROOT);
            return Optional.of(new QuotePlatform(sgx ? Tee.SGX : Tee.TDX, fmspc, ca));
        } catch (MalformedEvidenceException | RuntimeException e) {
            return Optional.empty(); // the verifier reports what is wrong with the quote
        }
    }
}
