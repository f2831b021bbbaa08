package io.github.tdx4j.sim.quote;

import java.util.Objects;
import java.util.function.Predicate;

/** The platform's quote generation service. Work in progress: answers every request with an error for now. */
public final class SimulatedQuotingService implements QuoteGenerationService {
    private final Predicate<byte[]> reportVerifier;

    public SimulatedQuotingService(long seed, int quoteVersion, Predicate<byte[]> reportVerifier) {
        this.reportVerifier = Objects.requireNonNull(reportVerifier, "reportVerifier");
    }

    @Override
    public byte[] getQuote(byte[] tdReport) throws QuoteGenerationException {
        if (!reportVerifier.test(tdReport)) {
            throw new QuoteGenerationException("the TDREPORT is not one of this platform (EVERIFYREPORT2 failed)");
        }
        throw new QuoteGenerationException("quote signing is not built yet");
    }
}
