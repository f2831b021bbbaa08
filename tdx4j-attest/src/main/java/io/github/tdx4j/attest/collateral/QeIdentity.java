package io.github.tdx4j.attest.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Intel's identity of the quoting enclave (QE): what a genuine QE report looks like and which QE ISVSVN has which
 * status.
 *
 * <p>Intel PCS API v4, "Enclave Identity" v2 (the {@code enclaveIdentity} object; the signature covers its exact
 * text). {@code TD_QE} for TDX quotes, {@code QE} for SGX quotes. Byte fields are lowercase hex.
 *
 * @param id                      {@code TD_QE} or {@code QE}
 * @param version                 2
 * @param issueDate               when Intel issued it
 * @param nextUpdate              when the next version is due; after it the identity is expired
 * @param tcbEvaluationDataNumber Intel's TCB recovery event counter
 * @param miscselect              expected MISCSELECT under the mask, 4 bytes
 * @param miscselectMask          4 bytes
 * @param attributes              expected ATTRIBUTES under the mask, 16 bytes
 * @param attributesMask          16 bytes
 * @param mrSigner                expected MRSIGNER, 32 bytes
 * @param isvProdId               expected ISVPRODID
 * @param tcbLevels               QE TCB levels, highest ISVSVN first
 */
public record QeIdentity(String id, int version, Instant issueDate, Instant nextUpdate, int tcbEvaluationDataNumber,
                         String miscselect, String miscselectMask, String attributes, String attributesMask,
                         String mrSigner, int isvProdId, List<IsvTcbLevel> tcbLevels) {
    /** {@link #id()} of the TDX quoting enclave identity. */
    public static final String TD_QE_ID = "TD_QE";
    /** {@link #id()} of the SGX quoting enclave identity. */
    public static final String QE_ID = "QE";

    public QeIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issueDate, "issueDate");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        Objects.requireNonNull(miscselect, "miscselect");
        Objects.requireNonNull(miscselectMask, "miscselectMask");
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(attributesMask, "attributesMask");
        Objects.requireNonNull(mrSigner, "mrSigner");
        tcbLevels = tcbLevels.stream().sorted(IsvTcbLevel.DESCENDING).toList();
    }

    /**
     * Parses the {@code enclaveIdentity} JSON object.
     *
     * @param text the exact JSON text of the {@code enclaveIdentity} object
     * @throws CollateralException with reason MALFORMED if a field is missing, mistyped or out of range
     */
    public static QeIdentity parse(String text) {
        JsonFields f = new JsonFields("QE identity");
        JsonNode root = f.parse(text);
        String id = f.text(root, "id");
        if (!id.equals(TD_QE_ID) && !id.equals(QE_ID)) {
            throw f.malformed("id must be TD_QE or QE, got '" + id + "'");
        }
        int version = f.integer(root, "version");
        if (version != 2) {
            throw f.malformed("only version 2 is supported, got " + version);
        }
        List<IsvTcbLevel> levels = new ArrayList<>();
        for (JsonNode l : f.array(root, "tcbLevels")) {
            levels.add(new IsvTcbLevel(f.integer(f.field(l, "tcb"), "isvsvn"), f.instant(l, "tcbDate"),
                    f.status(l, "tcbStatus"), f.optionalStrings(l, "advisoryIDs")));
        }
        if (levels.isEmpty()) {
            throw f.malformed("tcbLevels is empty");
        }
        return new QeIdentity(id, version, f.instant(root, "issueDate"), f.instant(root, "nextUpdate"),
                f.integer(root, "tcbEvaluationDataNumber"), f.hex(root, "miscselect", 4),
                f.hex(root, "miscselectMask", 4), f.hex(root, "attributes", 16), f.hex(root, "attributesMask", 16),
                f.hex(root, "mrsigner", 32), f.integer(root, "isvprodid"), levels);
    }
}
