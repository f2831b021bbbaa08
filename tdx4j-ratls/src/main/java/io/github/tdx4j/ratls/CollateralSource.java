package io.github.tdx4j.ratls;

import io.github.tdx4j.attest.collateral.Collateral;
import java.util.Objects;

/**
 * Where the trust manager gets the DCAP collateral (TCB info, QE identity, CRLs) to verify a peer's quote: a fixed
 * set (tests, air-gapped relying parties, the simulator) or a caching PCS/PCCS client supplied by the application.
 */
@FunctionalInterface
public interface CollateralSource {
    /**
     * The collateral for {@code quote}'s platform.
     *
     * @throws RuntimeException with a one-sentence message if none can be had; the peer is then refused with
     *                          {@link RatlsRefusal.Rule#COLLATERAL_UNAVAILABLE}
     */
    Collateral collateralFor(byte[] quote);

    /**
     * No collateral of the relying party's own: every quote is refused with
     * {@link RatlsRefusal.Rule#COLLATERAL_UNAVAILABLE} unless the peer's certificate carries endorsements and the
     * trust manager uses them ({@link RatlsTrustManager.Builder#peerEndorsements}), the offline relying party.
     */
    static CollateralSource none() {
        return quote -> {
            throw new IllegalStateException("this relying party has no collateral source and the peer's certificate "
                    + "carries no endorsements");
        };
    }

    /** Always {@code collateral}. */
    static CollateralSource fixed(Collateral collateral) {
        Objects.requireNonNull(collateral, "collateral");
        return quote -> collateral;
    }
}
