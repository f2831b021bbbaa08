package io.github.tdx4j.attest.verify;

import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteHeader;
import io.github.tdx4j.attest.format.SgxQuote;
import java.util.Objects;

/**
 * The quote a verification was about: a TD quote (v4, v5) or an SGX ECDSA quote (v3), which share the QE report,
 * PCK chain and collateral path of DCAP verification.
 */
public sealed interface DecodedQuote permits DecodedQuote.Td, DecodedQuote.Sgx {
    /** The 48-byte header. */
    QuoteHeader header();

    /** The 64 bytes of REPORTDATA the attested TD or enclave chose. */
    byte[] reportData();

    /**
     * A TD quote.
     *
     * @param quote the decoded quote
     */
    record Td(Quote quote) implements DecodedQuote {
        public Td {
            Objects.requireNonNull(quote, "quote");
        }

        @Override
        public QuoteHeader header() {
            return quote.header();
        }

        @Override
        public byte[] reportData() {
            return quote.body().reportData();
        }
    }

    /**
     * An SGX enclave quote.
     *
     * @param quote the decoded quote
     */
    record Sgx(SgxQuote quote) implements DecodedQuote {
        public Sgx {
            Objects.requireNonNull(quote, "quote");
        }

        @Override
        public QuoteHeader header() {
            return quote.header();
        }

        @Override
        public byte[] reportData() {
            return quote.enclaveReport().reportData();
        }
    }
}
