package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.Quote;
import java.io.IOException;
import java.util.HexFormat;
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
        assertThat(ours.get("quote")).as("a v4 quote has no body descriptor (type, size)")
                .isEqualTo(golden.get("quote"));
        assertThat(ours.get("report_data")).isEqualTo(golden.get("report_data"));
        assertThat(ours.get("init_data")).isEqualTo(golden.get("init_data"));
        assertThat(ours.get("td_attributes")).isEqualTo(golden.get("td_attributes"));
        // Trustee's "uefi_event_logs" come from a CCEL that is not among the vectors; nothing else is left out.
        assertThat(ours.properties().stream().map(Map.Entry::getKey).toList()).containsExactlyInAnyOrder("quote",
                "report_data", "init_data", "td_attributes");
    }

    @Test
    @DisplayName("A v5 quote with a TDX 1.5 body adds Trustee's quote.type, quote.size, tee_tcb_svn2 and mr_servicetd, "
            + "read here from the quote's own bytes")
    void v5QuoteAddsTheBodyDescriptorAndTdx15Fields() throws MalformedEvidenceException {
        byte[] raw = Vectors.bytes("trustee/tdx_quote_5.dat");
        ObjectNode ours = TrusteeClaims.of(Quote.decode(raw));
        // A v5 quote: the 48-byte header, body type (u16) at 48, body size (u32) at 50, the body at 54. A TDX 1.5
        // body is the 584-byte TDX 1.0 body, then TEE_TCB_SVN_2 (16 bytes) and MRSERVICETD (48) (Intel DCAP
        // sgx_quote_5.h, sgx_report2_body_v1_5_t). Trustee documents type "0300" for TDX 1.5.
        HexFormat hex = HexFormat.of();
        assertThat(ours.at("/quote/header/version").textValue()).isEqualTo("0500");
        assertThat(ours.at("/quote/type").textValue()).isEqualTo(hex.formatHex(raw, 48, 50)).isEqualTo("0300");
        assertThat(ours.at("/quote/size").textValue()).isEqualTo(hex.formatHex(raw, 50, 54)).isEqualTo("88020000");
        assertThat(ours.at("/quote/body/tee_tcb_svn2").textValue()).isEqualTo(hex.formatHex(raw, 54 + 584, 54 + 600));
        assertThat(ours.at("/quote/body/mr_servicetd").textValue()).isEqualTo(hex.formatHex(raw, 54 + 600, 54 + 648));
        assertThat(ours.at("/quote/body/td_attributes").textValue()).isEqualTo(hex.formatHex(raw, 54 + 120, 54 + 128));
    }
}
