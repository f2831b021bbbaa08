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
            // Deviation: D9 Intel's QVL still parses the deprecated version 2 (SGX only); tdx4j reads version 3 alone.
            throw f.malformed("only version 3 is supported, got " + version);
        }
        Instant issueDate = f.instant(root, "issueDate");
        Instant nextUpdate = f.instant(root, "nextUpdate");
        String fmspc = f.hex(root, "fmspc", 6);
        String pceId = f.hex(root, "pceId", 2);
        // Intel QVL TcbInfo.cpp parsePartV2, step 4.1.2.7.4: type 0 is the only TCB type whose comparison rule
        // (component by component, as TcbEvaluation does) is defined.
        int tcbType = f.integer(root, "tcbType");
        if (tcbType != 0) {
            throw f.malformed("tcbType " + tcbType + " is not supported; only type 0 is defined");
        }
        int evaluationNumber = f.integer(root, "tcbEvaluationDataNumber");
        Optional<TdxModuleIdentity> module = Optional.empty();
        List<TdxModuleIdentity> identities = new ArrayList<>();
        if (tdx) {
            module = Optional.of(moduleIdentity(f, f.field(root, "tdxModule"), ""));
            if (root.has("tdxModuleIdentities")) {
                // Intel QVL parsePartV3: when present, a non-empty array (JSON null included in "not an array").
                JsonNode ids = root.get("tdxModuleIdentities");
                if (!ids.isArray() || ids.isEmpty()) {
                    throw f.malformed("tdxModuleIdentities must be a non-empty array when present");
                }
                for (JsonNode n : ids) {
                    identities.add(moduleIdentity(f, n, f.text(n, "id")));
                }
            }
        } else if (root.has("tdxModule") || root.has("tdxModuleIdentities")) {
            throw f.malformed("an SGX TCB info has no tdxModule or tdxModuleIdentities");
        }
        List<TcbLevel> levels = new ArrayList<>();
        for (JsonNode n : f.array(root, "tcbLevels")) {
            JsonNode tcb = f.field(n, "tcb");
            if (!tcb.isObject()) {
                throw f.malformed("a TCB level's tcb is not an object");
            }
            Instant tcbDate = f.instant(n, "tcbDate");
            List<String> advisories = f.optionalStrings(n, "advisoryIDs");
            TcbStatus status = f.status(n, "tcbStatus");
            if (status == TcbStatus.TD_RELAUNCH_ADVISED || status == TcbStatus.TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED) {
                throw f.malformed("tcbStatus " + status + " is not a TCB info status");
            }
            TcbLevel level = new TcbLevel(components(f, tcb, "sgxtcbcomponents"), f.integer(tcb, "pcesvn"),
                    tdx ? components(f, tcb, "tdxtcbcomponents") : List.of(), tcbDate, status, advisories);
            // Intel QVL keeps levels in a std::set ordered by TcbLevel::operator>: two levels with the same SGX
            // components, PCESVN and TDX components are one key, and a second one is "Detected duplicated TCB levels".
            for (TcbLevel other : levels) {
                if (TcbLevel.NEWEST_FIRST.compare(level, other) == 0) {
                    throw f.malformed("two TCB levels have the same SVNs: " + level.sgxComponents() + " pcesvn "
                            + level.pceSvn() + " " + level.tdxComponents());
                }
            }
            levels.add(level);
        }
        if (levels.isEmpty()) {
            throw f.malformed("tcbLevels is empty");
        }
        return new TcbInfo(id, version, issueDate, nextUpdate, fmspc, pceId, tcbType, evaluationNumber, module,
                identities, levels);
    }

    /** The largest TDX module SVN a module identity level may name (Intel QVL {@code TdxModuleTcb}: uint16). */
    private static final int MAX_MODULE_SVN = 0xFFFF;

    private static TdxModuleIdentity moduleIdentity(JsonFields f, JsonNode n, String id) {
        if (!n.isObject()) {
            throw f.malformed("a TDX module identity is not an object");
        }
        String mrSigner = f.hex(n, "mrsigner", 48);
        String attributes = f.hex(n, "attributes", 8);
        String attributesMask = f.hex(n, "attributesMask", 8);
        List<IsvTcbLevel> levels = new ArrayList<>();
        if (!id.isEmpty()) {
            // Intel QVL TdxModuleIdentity.cpp: tcbLevels is a non-empty array without two levels of one isvsvn.
            JsonNode array = f.array(n, "tcbLevels");
            if (array.isEmpty()) {
                throw f.malformed("TDX module " + id + " has no TCB level");
            }
            for (JsonNode l : array) {
                JsonNode tcb = f.field(l, "tcb");
                int svn = f.bounded(tcb, "isvsvn", MAX_MODULE_SVN);
                Instant tcbDate = f.instant(l, "tcbDate");
                String statusText = f.text(l, "tcbStatus");
                List<String> advisories = f.optionalStrings(l, "advisoryIDs");
                // Intel QVL TcbStatus.h VALID_MODULE_TCB_STATUSES: module levels are only these three. Intel checks
                // this only on the level it selects for a quote; tdx4j checks every level when reading.
                // Deviation: D8 a module level with another status fails the whole TCB info, used or not.
                TcbStatus status = TcbStatus.fromJsonName(statusText)
                        .filter(s -> s == TcbStatus.UP_TO_DATE || s == TcbStatus.OUT_OF_DATE
                                || s == TcbStatus.REVOKED)
                        .orElseThrow(() -> f.malformed("TDX module " + id + " has a level with status '"
                                + statusText + "'; module levels are UpToDate, OutOfDate or Revoked"));
                for (IsvTcbLevel other : levels) {
                    if (other.isvSvn() == svn) {
                        throw f.malformed("TDX module " + id + " has two TCB levels of isvsvn " + svn);
                    }
                }
                levels.add(new IsvTcbLevel(svn, tcbDate, status, advisories));
            }
        }
        return new TdxModuleIdentity(id, mrSigner, attributes, attributesMask, levels);
    }

    /**
     * The 16 SVNs of a TCB level's component list. Each SVN is one byte of CPUSVN or TEE_TCB_SVN by definition
     * (Intel PCS API v4, "TCB Info": {@code svn} of {@code sgxtcbcomponents} / {@code tdxtcbcomponents}).
     */
    private static List<Integer> components(JsonFields f, JsonNode tcb, String name) {
        JsonNode arr = f.array(tcb, name);
        if (arr.size() != TcbLevel.COMPONENTS) {
            throw f.malformed(name + " must have 16 entries, has " + arr.size());
        }
        List<Integer> out = new ArrayList<>(TcbLevel.COMPONENTS);
        for (JsonNode c : arr) {
            if (!c.isObject()) {
                throw f.malformed(name + " holds a component that is not an object");
            }
            f.optionalText(c, "category");
            f.optionalText(c, "type");
            // Intel's QVL keeps the low 8 bits (TcbComponent.cpp: static_cast<uint8_t>), so 256 would compare as 0.
            // Deviation: D7 an SVN above 255 makes the TCB info malformed instead of being truncated.
            out.add(f.bounded(c, "svn", MAX_COMPONENT_SVN));
        }
        return out;
    }

    /** The largest component SVN: components are bytes. */
    private static final int MAX_COMPONENT_SVN = 0xFF;
}
