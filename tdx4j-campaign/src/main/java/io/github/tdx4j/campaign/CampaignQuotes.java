package io.github.tdx4j.campaign;

import io.github.tdx4j.sim.quote.QuoteGenerationService;
import java.nio.charset.StandardCharsets;

/**
 * The campaign's quote generation service: the 16-byte marker {@code "tdx4j-campaign-q"} followed by the
 * TDREPORT, 1040 bytes, deterministic and free. The guest never verifies a quote (a relying party does), so what
 * the campaign needs from the host is a quote of realistic size, not a signature; the simulated QE's key and
 * certificate generation (tens of milliseconds per platform) would dominate a run of tens of microseconds.
 */
final class CampaignQuotes implements QuoteGenerationService {
    static final CampaignQuotes INSTANCE = new CampaignQuotes();
    private static final byte[] MARKER = "tdx4j-campaign-q".getBytes(StandardCharsets.US_ASCII);

    private CampaignQuotes() {
    }

    @Override
    public byte[] getQuote(byte[] tdReport) {
        byte[] q = new byte[MARKER.length + tdReport.length];
        System.arraycopy(MARKER, 0, q, 0, MARKER.length);
        System.arraycopy(tdReport, 0, q, MARKER.length, tdReport.length);
        return q;
    }
}
