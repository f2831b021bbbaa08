package io.github.tdx4j.attest.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Intel's TCB info for one platform family (FMSPC): which component SVNs give which TCB status.
 *
 * <p>Intel PCS API v4, "TDX TCB Info" / "SGX TCB Info", version 3 (the {@code tcbInfo} object; the signature covers
 * its exact text, see {@link Collateral#tcbInfo()}). Levels are kept in Intel's order ({@link TcbLevel}), not the
 * JSON order. Byte fields are lowercase hex.
 *
 * @param id                      {@code TDX} or {@code SGX}
 * @param version                 3
 * @param issueDate               when Intel issued it
 * @param nextUpdate              when the next version is due; after it the TCB info is expired
 * @param fmspc                   the platform family, 6 bytes
 * @param pceId                   the PCE identifier, 2 bytes
 * @param tcbType                 0 (the only type defined)
 * @param tcbEvaluationDataNumber Intel's TCB recovery event counter
 * @param tdxModule               TDX only: the module identity for quotes with TEE_TCB_SVN[1] = 0
 * @param tdxModuleIdentities     TDX only: module identities by major version (absent in older data)
 * @param tcbLevels               the platform TCB levels, newest first
 */
public record TcbInfo(String id, int version, Instant issueDate, Instant nextUpdate, String fmspc, String pceId,
                      int tcbType, int tcbEvaluationDataNumber, Optional<TdxModuleIdentity> tdxModule,
                      List<TdxModuleIdentity> tdxModuleIdentities, List<TcbLevel> tcbLevels) {
    /** {@link #id()} of a TDX TCB info. */
    public static final String TDX_ID = "TDX";
    /** {@link #id()} of an SGX TCB info. */
    public static final String SGX_ID = "SGX";

    public TcbInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issueDate, "issueDate");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        Objects.requireNonNull(fmspc, "fmspc");
        Objects.requireNonNull(pceId, "pceId");
        Objects.requireNonNull(tdxModule, "tdxModule");
        tdxModuleIdentities = List.copyOf(tdxModuleIdentities);
        tcbLevels = tcbLevels.stream().sorted(TcbLevel.NEWEST_FIRST).toList();
    }

    /** Whether this is a TDX TCB info. */
    public boolean isTdx() {
        return TDX_ID.equals(id);
    }

    /**
     * Parses the {@code tcbInfo} JSON object.
     *
     * @param text the exact JSON text of the {@code tcbInfo} object
     * @throws CollateralException with reason MALFORMED if a field is missing, mistyped or out of range
     */
    public static TcbInfo parse(String text) {
        JsonFields f = new JsonFields("TCB info");
        JsonNode root = f.parse(text);
        String id = f.text(root, "id");
        if (!id.equals(TDX_ID) && !id.equals(SGX_ID)) {
            throw f.malformed("id must be TDX or SGX, got '" + id + "'");
        }
        boolean tdx = id.equals(TDX_ID);
        int version = f.integer(root, "version");
        if (version != 3) {
            throw f.malformed("only version 3 is supported, got " + version);
        }
        Optional<TdxModuleIdentity> module = Optional.empty();
        List<TdxModuleIdentity> identities = new ArrayList<>();
        if (tdx) {
            module = Optional.of(moduleIdentity(f, f.field(root, "tdxModule"), ""));
            JsonNode ids = root.get("tdxModuleIdentities");
            if (ids != null && !ids.isNull()) {
                for (JsonNode n : f.array(root, "tdxModuleIdentities")) {
                    identities.add(moduleIdentity(f, n, f.text(n, "id")));
                }
            }
        }
        List<TcbLevel> levels = new ArrayList<>();
        for (JsonNode n : f.array(root, "tcbLevels")) {
            JsonNode tcb = f.field(n, "tcb");
            TcbStatus status = f.status(n, "tcbStatus");
            if (status == TcbStatus.TD_RELAUNCH_ADVISED || status == TcbStatus.TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED) {
                throw f.malformed("tcbStatus " + status + " is not a TCB info status");
            }
            levels.add(new TcbLevel(components(f, tcb, "sgxtcbcomponents"), f.integer(tcb, "pcesvn"),
                    tdx ? components(f, tcb, "tdxtcbcomponents") : List.of(), f.instant(n, "tcbDate"), status,
                    f.optionalStrings(n, "advisoryIDs")));
        }
        if (levels.isEmpty()) {
            throw f.malformed("tcbLevels is empty");
        }
        return new TcbInfo(id, version, f.instant(root, "issueDate"), f.instant(root, "nextUpdate"),
                f.hex(root, "fmspc", 6), f.hex(root, "pceId", 2), f.integer(root, "tcbType"),
                f.integer(root, "tcbEvaluationDataNumber"), module, identities, levels);
    }

    private static TdxModuleIdentity moduleIdentity(JsonFields f, JsonNode n, String id) {
        List<IsvTcbLevel> levels = new ArrayList<>();
        if (!id.isEmpty()) {
            for (JsonNode l : f.array(n, "tcbLevels")) {
                TcbStatus status = f.status(l, "tcbStatus");
                // Intel QVL TcbStatus.h VALID_MODULE_TCB_STATUSES: module levels are only these three.
                if (status != TcbStatus.UP_TO_DATE && status != TcbStatus.OUT_OF_DATE && status != TcbStatus.REVOKED) {
                    throw f.malformed("TDX module " + id + " has a level with status " + status);
                }
                levels.add(new IsvTcbLevel(f.integer(f.field(l, "tcb"), "isvsvn"), f.instant(l, "tcbDate"), status,
                        f.optionalStrings(l, "advisoryIDs")));
            }
        }
        return new TdxModuleIdentity(id, f.hex(n, "mrsigner", 48), f.hex(n, "attributes", 8),
                f.hex(n, "attributesMask", 8), levels);
    }

    private static List<Integer> components(JsonFields f, JsonNode tcb, String name) {
        JsonNode arr = f.array(tcb, name);
        if (arr.size() != TcbLevel.COMPONENTS) {
            throw f.malformed(name + " must have 16 entries, has " + arr.size());
        }
        List<Integer> out = new ArrayList<>(TcbLevel.COMPONENTS);
        for (JsonNode c : arr) {
            out.add(f.integer(c, "svn"));
        }
        return out;
    }
}
