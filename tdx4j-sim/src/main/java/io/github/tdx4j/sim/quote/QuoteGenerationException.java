package io.github.tdx4j.sim.quote;

/** The quote generation service refused a request: the VMM turns it into GET_QUOTE_ERROR in the buffer. */
public final class QuoteGenerationException extends Exception {
    private static final long serialVersionUID = 1L;

    public QuoteGenerationException(String detail) {
        super(detail);
    }
}
