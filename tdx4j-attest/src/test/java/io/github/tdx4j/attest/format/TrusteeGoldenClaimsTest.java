package io.github.tdx4j.attest.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.abi.TdAttributes;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * trustee/parse_tdx_claims_expected.json, the claims Confidential Containers' trustee parses from
 * trustee/tdx_quote_4.dat, used as a golden file: every header and body claim must equal our decoding. Trustee
 * prints integers as their little-endian bytes in hex ("version": "0400"), so the comparison encodes ours the same
 * way. The file's "uefi_event_logs" come from a CCEL that is not among the shared vectors and are not compared.
 */
class TrusteeGoldenClaimsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static String le16(int v) {
        return HEX.formatHex(new byte[] {(byte) v, (byte) (v >> 8)});
    }

    private static String le32(long v) {
        byte[] b = new byte[4];
        Le.put32(b, 0, v);
        return HEX.formatHex(b);
    }

    private static String le64(long v) {
        byte[] b = new byte[8];
        Le.put64(b, 0, v);
        return HEX.formatHex(b);
    }

    @Test
    @DisplayName("header, body, report_data, init_data and TD attribute flags of tdx_quote_4.dat match trustee's golden claims")
    void claimsMatch() throws IOException, MalformedEvidenceException {
        JsonNode golden = new ObjectMapper().readTree(TestData.path("trustee/parse_tdx_claims_expected.json").toFile());
        Quote q = Quote.decode(TestData.bytes("trustee/tdx_quote_4.dat"));

        JsonNode h = golden.path("quote").path("header");
        assertThat(h.path("version").asText()).isEqualTo(le16(q.header().version()));
        assertThat(h.path("att_key_type").asText()).isEqualTo(le16(q.header().attestationKeyType()));
        assertThat(h.path("tee_type").asText()).isEqualTo(le32(q.header().teeType()));
        assertThat(h.path("reserved").asText()).isEqualTo(HEX.formatHex(q.header().reserved()));
        assertThat(h.path("vendor_id").asText()).isEqualTo(HEX.formatHex(q.header().qeVendorId()));
        assertThat(h.path("user_data").asText()).isEqualTo(HEX.formatHex(q.header().userData()));

        JsonNode b = golden.path("quote").path("body");
        TdQuoteBody body = q.body();
        assertThat(b.path("tcb_svn").asText()).isEqualTo(HEX.formatHex(body.teeTcbSvn()));
        assertThat(b.path("mr_seam").asText()).isEqualTo(body.mrSeam().hex());
        assertThat(b.path("mrsigner_seam").asText()).isEqualTo(body.mrSignerSeam().hex());
        assertThat(b.path("seam_attributes").asText()).isEqualTo(le64(body.seamAttributes()));
        assertThat(b.path("td_attributes").asText()).isEqualTo(le64(body.tdAttributes().raw()));
        assertThat(b.path("xfam").asText()).isEqualTo(le64(body.xfam()));
        assertThat(b.path("mr_td").asText()).isEqualTo(body.mrTd().hex());
        assertThat(b.path("mr_config_id").asText()).isEqualTo(body.mrConfigId().hex());
        assertThat(b.path("mr_owner").asText()).isEqualTo(body.mrOwner().hex());
        assertThat(b.path("mr_owner_config").asText()).isEqualTo(body.mrOwnerConfig().hex());
        for (int i = 0; i < 4; i++) {
            assertThat(b.path("rtmr_" + i).asText()).as("rtmr_" + i).isEqualTo(body.rtmr(i).hex());
        }
        assertThat(b.path("report_data").asText()).isEqualTo(HEX.formatHex(body.reportData()));
        assertThat(golden.path("report_data").asText()).isEqualTo(HEX.formatHex(body.reportData()));
        assertThat(golden.path("init_data").asText()).isEqualTo(body.mrConfigId().hex());

        JsonNode flags = golden.path("td_attributes");
        TdAttributes a = body.tdAttributes();
        assertThat(flags.path("debug").asBoolean()).isEqualTo(a.debug()).isTrue();
        assertThat(flags.path("septve_disable").asBoolean()).isEqualTo(a.septVeDisable()).isTrue();
        assertThat(flags.path("protection_keys").asBoolean()).isEqualTo(a.has(TdAttributes.PKS_BIT));
        assertThat(flags.path("key_locker").asBoolean()).isEqualTo(a.has(TdAttributes.KL_BIT));
        assertThat(flags.path("perfmon").asBoolean()).isEqualTo(a.has(TdAttributes.PERFMON_BIT));
    }

    @Test
    @DisplayName("trustee's platform_instance_id is the PCK extension's platform instance id (.6), printed byte-reversed")
    void platformInstanceId() throws IOException, MalformedEvidenceException {
        JsonNode golden = new ObjectMapper().readTree(TestData.path("trustee/parse_tdx_claims_expected.json").toFile());
        Quote q = Quote.decode(TestData.bytes("trustee/tdx_quote_4.dat"));
        byte[] id = q.signatureData().qeReportCertificationData().orElseThrow().pckCertChain().orElseThrow()
                .pckExtensions().platformInstanceId();
        byte[] reversed = new byte[id.length];
        for (int i = 0; i < id.length; i++) {
            reversed[i] = id[id.length - 1 - i];
        }
        assertThat(golden.path("platform_instance_id").asText()).isEqualTo(HEX.formatHex(reversed));
    }
}
