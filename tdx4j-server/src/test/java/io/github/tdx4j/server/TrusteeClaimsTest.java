package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.Quote;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The EAR's {@code "tdx"} evidence against Trustee's own output: {@code vectors/trustee/parse_tdx_claims_expected.json}
 * holds the claims Confidential Containers' Trustee parses from {@code vectors/trustee/tdx_quote_4.dat} (provenance
 * in {@code vectors/README.md}). A relying party's policy written for Trustee's claims must read ours alike.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrusteeClaimsTest {
    @Test
    @DisplayName("The quote header and body, report_data, init_data and TD attribute flags equal Trustee's claims for tdx_quote_4.dat")
    void equalTrusteesClaims() throws IOException, MalformedEvidenceException {
        JsonNode golden = Http.JSON.readTree(Vectors.path("trustee/parse_tdx_claims_expected.json").toFile());
        ObjectNode ours = TrusteeClaims.of(Quote.decode(Vectors.bytes("trustee/tdx_quote_4.dat")));

        assertThat(ours.get("quote").get("header")).isEqualTo(golden.get("quote").get("header"));
        assertThat(ours.get("quote").get("body")).isEqualTo(golden.get("quote").get("body"));
        assertThat(ours.get("report_data")).isEqualTo(golden.get("report_data"));
        assertThat(ours.get("init_data")).isEqualTo(golden.get("init_data"));
        assertThat(ours.get("td_attributes")).isEqualTo(golden.get("td_attributes"));
        // Trustee's "uefi_event_logs" come from a CCEL that is not among the vectors; nothing else is left out.
        assertThat(ours.properties().stream().map(Map.Entry::getKey).toList()).containsExactlyInAnyOrder("quote", "report_data", "init_data",
                "td_attributes");
    }
}
