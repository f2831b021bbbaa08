package io.github.tdx4j.cli;

import io.github.tdx4j.attest.eventlog.CcEvent;
import io.github.tdx4j.attest.eventlog.CcelTable;
import io.github.tdx4j.attest.eventlog.EventDigest;
import io.github.tdx4j.attest.eventlog.EventTypes;
import io.github.tdx4j.attest.eventlog.RtmrReplay;
import io.github.tdx4j.attest.eventlog.RuntimeEvent;
import io.github.tdx4j.attest.eventlog.RuntimeEventLog;
import io.github.tdx4j.attest.eventlog.TcgEventLog;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code tdx4j inspect} shows of an ACPI CCEL table (its header fields) and of a CC event log (the digest
 * sizes, each event's register, type and SHA-384 digest, and the RTMR values the events replay to). Parsing is
 * tdx4j-attest's ({@link CcelTable}, {@link TcgEventLog}).
 */
final class EventLogDescriber {
    private static final HexFormat HEX = HexFormat.of();

    private EventLogDescriber() {
    }

    static Map<String, Object> ccelTable(byte[] bytes) throws MalformedEvidenceException {
        CcelTable t = CcelTable.decode(bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "ACPI CCEL table");
        m.put("signature", t.signature());
        m.put("length", t.length());
        m.put("revision", t.revision());
        m.put("checksum", String.format("0x%02x", t.checksum()));
        m.put("checksumValid", t.checksumValid());
        m.put("oemId", t.oemId());
        m.put("oemTableId", t.oemTableId());
        m.put("oemRevision", t.oemRevision());
        m.put("creatorId", t.creatorId());
        m.put("creatorRevision", JsonShapes.u32(t.creatorRevision()));
        m.put("ccType", t.ccType());
        m.put("ccTypeName", t.ccType() == CcelTable.CC_TYPE_TDX ? "Intel TDX" : "other");
        m.put("ccSubtype", t.ccSubtype());
        m.put("logAreaMinimumLength", t.logAreaMinimumLength());
        m.put("logAreaStartAddress", JsonShapes.u64(t.logAreaStartAddress()));
        return m;
    }

    static Map<String, Object> eventLog(byte[] bytes) throws MalformedEvidenceException {
        TcgEventLog log = TcgEventLog.parse(bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "CC event log");
        m.put("length", log.length());
        Map<String, Object> digestSizes = new LinkedHashMap<>();
        log.specId().digestSizes().forEach((alg, size) -> digestSizes.put(String.format("0x%04x", alg), size));
        m.put("digestSizes", digestSizes);
        List<Map<String, Object>> events = new ArrayList<>();
        for (CcEvent e : log.events()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("offset", e.offset());
            em.put("mrIndex", e.mrIndex());
            em.put("type", EventTypes.name(e.eventType()));
            e.digest(EventDigest.TPM_ALG_SHA384).ifPresent(d -> em.put("sha384", hex(d)));
            em.put("dataLength", e.eventData().length);
            events.add(em);
        }
        m.put("events", events);
        m.put("replayedRtmrs", JsonShapes.rtmrs(RtmrReplay.replay(log)));
        return m;
    }

    /**
     * tdx4j extend's runtime event log: CEL-JSON records in an RFC 7464 JSON text sequence, each starting with the
     * record separator 0x1E (tdx4j-linux/README.md, "Runtime event log"). Its records, and those that cannot be read
     * (cut short, not a record), as {@code tdx4j rtmr --replay} would count them.
     */
    static Map<String, Object> runtimeEventLog(byte[] bytes) {
        RuntimeEventLog.Contents log = RuntimeEventLog.parse(bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "runtime event log");
        m.put("length", bytes.length);
        List<Map<String, Object>> records = new ArrayList<>();
        for (RuntimeEvent e : log.events()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("recnum", e.recnum());
            r.put("offset", e.offset());
            r.put("rtmr", e.rtmr());
            r.put("sha384", hex(e.digest()));
            r.put("rtmrBefore", hex(e.rtmrBefore()));
            r.put("description", e.description());
            records.add(r);
        }
        m.put("records", records);
        List<Map<String, Object>> damaged = new ArrayList<>();
        for (RuntimeEventLog.DamagedRecord d : log.damaged()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("recnum", d.recnum());
            r.put("offset", d.offset());
            r.put("reason", d.reason());
            damaged.add(r);
        }
        m.put("damaged", damaged);
        return m;
    }

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
