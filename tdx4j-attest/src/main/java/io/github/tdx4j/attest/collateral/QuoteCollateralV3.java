package io.github.tdx4j.attest.collateral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * Reads and writes collateral in dcap-qvl's {@code QuoteCollateralV3} JSON form: one object with the nine
 * {@link Collateral} fields in snake case; CRLs and signatures as hex, chains as PEM text, TCB info and QE identity
 * as the exact signed JSON text in a string (Phala-Network/dcap-qvl {@code src/lib.rs}; the files under
 * {@code vectors/dcap-qvl/*_collateral.json}). Unknown fields (e.g. {@code pck_certificate_chain}) are
 * ignored.
 */
public final class QuoteCollateralV3 {
    private QuoteCollateralV3() {
    }

    /**
     * Parses a {@code QuoteCollateralV3} JSON document.
     *
     * @throws CollateralException with reason MALFORMED if it is not one
     */
    public static Collateral parse(byte[] json) {
        JsonFields f = new JsonFields("QuoteCollateralV3");
        JsonNode root;
        try {
            root = JsonFields.MAPPER.readTree(json);
        } catch (IOException e) {
            throw CollateralException.malformed("QuoteCollateralV3: not valid JSON: " + JsonFields.syntaxError(e), e);
        }
        if (root == null || !root.isObject()) {
            throw CollateralException.malformed("QuoteCollateralV3: not a JSON object");
        }
        return new Collateral(
                f.text(root, "pck_crl_issuer_chain"),
                hex(f, root, "root_ca_crl", -1),
                hex(f, root, "pck_crl", -1),
                f.text(root, "tcb_info_issuer_chain"),
                f.text(root, "tcb_info"),
                hex(f, root, "tcb_info_signature", 64),
                f.text(root, "qe_identity_issuer_chain"),
                f.text(root, "qe_identity"),
                hex(f, root, "qe_identity_signature", 64));
    }

    /** The collateral as a {@code QuoteCollateralV3} JSON document (UTF-8 text). */
    public static String toJson(Collateral c) {
        HexFormat hex = HexFormat.of();
        ObjectNode o = JsonFields.MAPPER.createObjectNode();
        o.put("pck_crl_issuer_chain", c.pckCrlIssuerChain());
        o.put("root_ca_crl", hex.formatHex(c.rootCaCrl()));
        o.put("pck_crl", hex.formatHex(c.pckCrl()));
        o.put("tcb_info_issuer_chain", c.tcbInfoIssuerChain());
        o.put("tcb_info", c.tcbInfo());
        o.put("tcb_info_signature", hex.formatHex(c.tcbInfoSignature()));
        o.put("qe_identity_issuer_chain", c.qeIdentityIssuerChain());
        o.put("qe_identity", c.qeIdentity());
        o.put("qe_identity_signature", hex.formatHex(c.qeIdentitySignature()));
        try {
            return JsonFields.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            // Serializing an in-memory tree of strings cannot fail; keep the cause if it ever does.
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] hex(JsonFields f, JsonNode root, String name, int expectedBytes) {
        String s = f.text(root, name);
        byte[] b;
        try {
            b = HexFormat.of().parseHex(s.startsWith("0x") ? s.substring(2) : s);
        } catch (IllegalArgumentException e) {
            throw CollateralException.malformed("QuoteCollateralV3: field '" + name + "' is not hex", e);
        }
        if (expectedBytes >= 0 && b.length != expectedBytes) {
            throw CollateralException.malformed("QuoteCollateralV3: field '" + name + "' must be " + expectedBytes
                    + " bytes, is " + b.length);
        }
        if (b.length == 0) {
            throw CollateralException.malformed("QuoteCollateralV3: field '" + name + "' is empty");
        }
        return b;
    }
}
