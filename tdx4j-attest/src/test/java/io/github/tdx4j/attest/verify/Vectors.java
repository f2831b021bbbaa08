package io.github.tdx4j.attest.verify;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.format.TestData;
import java.time.Instant;

/** The test vectors used by the verifier tests; times as in {@code vectors/README.md}. */
final class Vectors {
    /** 2023-07-01T01:00:00Z, inside the window of go-tdx-guest/derived_collateral_v4.json. */
    static final Instant AT_2023_07_01 = Instant.ofEpochSecond(1688173200);
    /** 2025-07-01T00:00:00Z, inside the window of dcap-qvl/tdx_quote_collateral.json. */
    static final Instant AT_2025_07_01 = Instant.ofEpochSecond(1751328000);
    /** 2026-02-25T06:13:20Z, inside the window of go-tdx-guest/derived_collateral_v5_hybrid.json. */
    static final Instant AT_2026_02_25 = Instant.ofEpochSecond(1772000000);
    /** 2026-03-01T00:00:00Z, inside the window of dcap-qvl/tdx_quote_outdated_collateral.json. */
    static final Instant AT_2026_03_01 = Instant.ofEpochSecond(1772323200);

    private Vectors() {
    }

    static byte[] quote(String path) {
        return path.endsWith(".hex") ? TestData.hexFile(path) : TestData.bytes(path);
    }

    static Collateral collateral(String path) {
        return QuoteCollateralV3.parse(TestData.bytes(path));
    }

    static final String DCAP_TDX = "dcap-qvl/tdx_quote";
    static final String DCAP_TDX_COLLATERAL = "dcap-qvl/tdx_quote_collateral.json";
    static final String DCAP_OUTDATED = "dcap-qvl/tdx_quote_outdated";
    static final String DCAP_OUTDATED_COLLATERAL = "dcap-qvl/tdx_quote_outdated_collateral.json";
    static final String GO_V5 = "go-tdx-guest/quote_v5_sample.dat";
    static final String GO_V5_HYBRID = "go-tdx-guest/derived_collateral_v5_hybrid.json";
    static final String GO_SPR_E4 = "go-tdx-guest/tdx_prod_quote_SPR_E4.dat";
    static final String GO_V4_COLLATERAL = "go-tdx-guest/derived_collateral_v4.json";
    static final String TRUSTEE_DEBUG = "trustee/tdx_quote_4.dat";
    static final String TRUSTEE_V5 = "trustee/tdx_quote_5.dat";
}
