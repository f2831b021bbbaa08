package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.attest.collateral.PcsClient.Tee;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
    /**
     * Reads platforms, remembering the FMSPC and CA of the last PCK certificate chains seen: every quote of a platform
     * carries the same chain, and parsing its three X.509 certificates cost more than verifying the quote's signature
     * (a profile of {@code POST /verify}). At most {@link #MAX_CHAINS} chains are kept; when full the map is emptied.
     */
    static final class Reader {
        /** The most PCK chains remembered: one per platform, far more than a verifier sees at once. */
        static final int MAX_CHAINS = 1024;

        /** The facts read from a PCK certificate chain. */
        private record Pck(String fmspc, PckCa ca) {
        }

        private final ConcurrentHashMap<PckCertChain, Pck> chains = new ConcurrentHashMap<>();

        /** The platform of {@code quote}, or empty when the quote carries no readable PCK certificate. */
        Optional<QuotePlatform> of(byte[] quote) {
            try {
                boolean sgx = quote.length >= 2 && ((quote[0] & 0xFF) | (quote[1] & 0xFF) << 8) == SgxQuote.VERSION_3;
                Optional<PckCertChain> chain = sgx
                        ? SgxQuote.decode(quote).qeReportCertificationData().pckCertChain()
                        : Quote.decode(quote).pckCertChain();
                if (chain.isEmpty()) {
                    return Optional.empty();
                }
                Pck pck = chains.get(chain.get());
                if (pck == null) {
                    pck = read(chain.get());
                    if (chains.size() >= MAX_CHAINS) {
                        chains.clear();
                    }
                    chains.put(chain.get(), pck);
                }
                return Optional.of(new QuotePlatform(sgx ? Tee.SGX : Tee.TDX, pck.fmspc(), pck.ca()));
            } catch (MalformedEvidenceException | RuntimeException e) {
                return Optional.empty(); // the verifier reports what is wrong with the quote
            }
        }

        private static Pck read(PckCertChain chain) throws MalformedEvidenceException {
            X509Certificate leaf = chain.pckCertificate();
            PckCa ca = leaf.getIssuerX500Principal().getName().contains("Processor") ? PckCa.PROCESSOR : PckCa.PLATFORM;
            String fmspc = HexFormat.of().formatHex(chain.pckExtensions().fmspc()).toUpperCase(Locale.ROOT);
            return new Pck(fmspc, ca);
        }
    }
}
