package io.github.tdx4j.sim.quote;

/**
 * A quote generation service (QGS): turns a TDREPORT_STRUCT into a signed TD quote. The VMM forwards GetQuote
 * requests to it, as QEMU forwards them over its quote-generation-socket.
 */
@FunctionalInterface
public interface QuoteGenerationService {
    /**
     * A quote over {@code tdReport} (the request data of the GetQuote buffer).
     *
     * @throws QuoteGenerationException if the QGS answers an error (the VMM reports GET_QUOTE_ERROR)
     */
    byte[] getQuote(byte[] tdReport) throws QuoteGenerationException;
}
