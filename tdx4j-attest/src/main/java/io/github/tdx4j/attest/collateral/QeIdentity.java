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

    /** Whether {@code s} may be the status of a QE identity level (Intel QVL {@code IdentityTcbLevel.cpp}). */
    static boolean isQeLevelStatus(TcbStatus s) {
        return s == TcbStatus.UP_TO_DATE || s == TcbStatus.OUT_OF_DATE || s == TcbStatus.REVOKED;
    }

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
            if (!l.isObject()) {
                throw f.malformed("a TCB level is not an object");
            }
            int isvSvn = f.integer(f.field(l, "tcb"), "isvsvn");
            java.time.Instant tcbDate = f.instant(l, "tcbDate");
            String statusText = f.text(l, "tcbStatus");
            // Intel QVL IdentityTcbLevel.cpp: a QE identity level is UpToDate, OutOfDate or Revoked; any other
            // status (SWHardeningNeeded, ConfigurationNeeded, ..., unknown text) makes the identity an unsupported
            // format. The verifier's convergence knows only these three, so accepting others would report the
            // better status.
            TcbStatus status = TcbStatus.fromJsonName(statusText).filter(QeIdentity::isQeLevelStatus)
                    .orElseThrow(() -> f.malformed("tcbStatus '" + statusText
                            + "' is not a QE identity level status (UpToDate, OutOfDate, Revoked)"));
            IsvTcbLevel level = new IsvTcbLevel(isvSvn, tcbDate, status, f.optionalStrings(l, "advisoryIDs"));
            // Intel QVL EnclaveIdentity.cpp keeps levels in a set ordered by isvsvn, then tcbDate: a second level
            // with both equal is "Detected duplicated TCB levels".
            for (IsvTcbLevel other : levels) {
                if (IsvTcbLevel.DESCENDING.compare(level, other) == 0) {
                    throw f.malformed("two TCB levels have isvsvn " + isvSvn + " and tcbDate " + tcbDate);
                }
            }
            levels.add(level);
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
