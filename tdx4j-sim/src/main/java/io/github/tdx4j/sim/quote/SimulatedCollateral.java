package io.github.tdx4j.sim.quote;

import io.github.tdx4j.sim.SimulatorException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The verification collateral of the simulated platform, in the shape of Intel PCS responses and of the
 * {@code QuoteCollateralV3} JSON that dcap-qvl and tdx4j read: TDX TCB info v3 and TD_QE identity v2, each signed by
 * the simulated TCB signing key, the root CA and PCK CRLs, and the issuer chains up to the simulated root.
 *
 * <p>Levels: the platform's own SGX TCB (PCK certificate) and a TDX TCB of TEE_TCB_SVN ≥ {5, 0, 2} are UpToDate;
 * module identity TDX_01 with ISVSVN ≥ 4 (TEE_TCB_SVN[0] of a 1.x module) is UpToDate, 2..3 OutOfDate; the QE with
 * ISVSVN ≥ 4 is UpToDate. A TD configured with a lower TEE_TCB_SVN therefore verifies as OutOfDate. Valid from
 * {@link #ISSUE_DATE} to {@link #NEXT_UPDATE}.
 */
// Deviation: one platform with one PCK certificate (Scalable, issued by the PCK Platform CA; no Processor CA), no
// revoked entries in the CRLs, no TCB recovery events, and no advisory ids in any TCB level. Intel "SGX PCK
// Certificate and Certificate Revocation List Profile Specification"; Intel PCS API v4, "Get TDX TCB Info".
public final class SimulatedCollateral {
    public static final String ISSUE_DATE = "2025-01-01T00:00:00Z";
    public static final String NEXT_UPDATE = "2045-01-01T00:00:00Z";
    public static final int TCB_EVALUATION_DATA_NUMBER = 17;
    private static final String TCB_DATE = "2024-03-13T00:00:00Z";
    private static final String OLD_TCB_DATE = "2023-08-09T00:00:00Z";
    private static final int[] TDX_TCB_COMPONENTS = {5, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimulatedPki pki;
    private final String tcbInfo;
    private final String qeIdentity;

    SimulatedCollateral(SimulatedPki pki) {
        this.pki = pki;
        this.tcbInfo = write(tcbInfoNode());
        this.qeIdentity = write(qeIdentityNode());
    }

    /** The exact signed text of the TCB info (the {@code tcbInfo} member of a PCS response). */
    public String tcbInfoJson() {
        return tcbInfo;
    }

    /** r ‖ s of the TCB info signature, hex. */
    public String tcbInfoSignature() {
        return HexFormat.of().formatHex(pki.tcbSigningKey().signRaw(tcbInfo.getBytes(StandardCharsets.UTF_8)));
    }

    /** The exact signed text of the QE identity (the {@code enclaveIdentity} member). */
    public String qeIdentityJson() {
        return qeIdentity;
    }

    public String qeIdentitySignature() {
        return HexFormat.of().formatHex(pki.tcbSigningKey().signRaw(qeIdentity.getBytes(StandardCharsets.UTF_8)));
    }

    /** The whole collateral as {@code QuoteCollateralV3} JSON (the field names of dcap-qvl's collateral files). */
    public String quoteCollateralV3Json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("pck_crl_issuer_chain", pki.pckCrlIssuerChainPem());
        o.put("root_ca_crl", SimulatedPki.hex(pki.rootCaCrl()));
        o.put("pck_crl", SimulatedPki.hex(pki.pckCrl()));
        o.put("tcb_info_issuer_chain", pki.tcbIssuerChainPem());
        o.put("tcb_info", tcbInfo);
        o.put("tcb_info_signature", tcbInfoSignature());
        o.put("qe_identity_issuer_chain", pki.tcbIssuerChainPem());
        o.put("qe_identity", qeIdentity);
        o.put("qe_identity_signature", qeIdentitySignature());
        return write(o);
    }

    private ObjectNode tcbInfoNode() {
        ObjectNode t = JSON.createObjectNode();
        t.put("id", "TDX");
        t.put("version", 3);
        t.put("issueDate", ISSUE_DATE);
        t.put("nextUpdate", NEXT_UPDATE);
        t.put("fmspc", HexFormat.of().withUpperCase().formatHex(SimulatedPki.FMSPC));
        t.put("pceId", HexFormat.of().withUpperCase().formatHex(SimulatedPki.PCE_ID));
        t.put("tcbType", 0);
        t.put("tcbEvaluationDataNumber", TCB_EVALUATION_DATA_NUMBER);
        ObjectNode module = t.putObject("tdxModule");
        moduleSigner(module);
        ObjectNode identity = t.putArray("tdxModuleIdentities").addObject();
        identity.put("id", "TDX_01");
        moduleSigner(identity);
        ArrayNode idLevels = identity.putArray("tcbLevels");
        isvLevel(idLevels, 4, TCB_DATE, "UpToDate");
        isvLevel(idLevels, 2, OLD_TCB_DATE, "OutOfDate");
        ArrayNode levels = t.putArray("tcbLevels");
        platformLevel(levels, SimulatedPki.SGX_TCB_COMPONENTS, SimulatedPki.PCE_SVN, TDX_TCB_COMPONENTS, TCB_DATE,
                "UpToDate");
        platformLevel(levels, new int[16], SimulatedPki.PCE_SVN - 1, new int[16], OLD_TCB_DATE, "OutOfDate");
        return t;
    }

    private static void moduleSigner(ObjectNode o) {
        o.put("mrsigner", "0".repeat(96));
        o.put("attributes", "0000000000000000");
        o.put("attributesMask", "FFFFFFFFFFFFFFFF");
    }

    private static void isvLevel(ArrayNode levels, int isvsvn, String date, String status) {
        ObjectNode l = levels.addObject();
        l.putObject("tcb").put("isvsvn", isvsvn);
        l.put("tcbDate", date);
        l.put("tcbStatus", status);
    }

    private static void platformLevel(ArrayNode levels, int[] sgx, int pceSvn, int[] tdx, String date,
                                      String status) {
        ObjectNode l = levels.addObject();
        ObjectNode tcb = l.putObject("tcb");
        ArrayNode s = tcb.putArray("sgxtcbcomponents");
        for (int v : sgx) {
            s.addObject().put("svn", v);
        }
        tcb.put("pcesvn", pceSvn);
        ArrayNode d = tcb.putArray("tdxtcbcomponents");
        for (int v : tdx) {
            d.addObject().put("svn", v);
        }
        l.put("tcbDate", date);
        l.put("tcbStatus", status);
    }

    private ObjectNode qeIdentityNode() {
        ObjectNode q = JSON.createObjectNode();
        q.put("id", "TD_QE");
        q.put("version", 2);
        q.put("issueDate", ISSUE_DATE);
        q.put("nextUpdate", NEXT_UPDATE);
        q.put("tcbEvaluationDataNumber", TCB_EVALUATION_DATA_NUMBER);
        q.put("miscselect", "00000000");
        q.put("miscselectMask", "FFFFFFFF");
        q.put("attributes", HexFormat.of().withUpperCase().formatHex(SimulatedQuotingService.QE_ATTRIBUTES));
        q.put("attributesMask", "FBFFFFFFFFFFFFFF0000000000000000");
        q.put("mrsigner", HexFormat.of().withUpperCase().formatHex(SimulatedQuotingService.qeMrSigner()));
        q.put("isvprodid", SimulatedQuotingService.QE_ISV_PROD_ID);
        isvLevel(q.putArray("tcbLevels"), SimulatedQuotingService.QE_ISV_SVN, TCB_DATE, "UpToDate");
        return q;
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new SimulatorException("writing simulated collateral", e);
        }
    }
}
