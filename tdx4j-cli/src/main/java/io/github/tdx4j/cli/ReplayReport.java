package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.eventlog.RuntimeEvent;
import io.github.tdx4j.attest.eventlog.RuntimeEventLog;
import io.github.tdx4j.attest.eventlog.RuntimeLogReplay;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;

/** How {@code rtmr --replay} and {@code verify --event-log} print a {@link RuntimeLogReplay.Result}. */
final class ReplayReport {
    private ReplayReport() {
    }

    static void text(PrintWriter out, RuntimeLogReplay.Result r, Path log, Path ccel) {
        out.printf("%-11s %s%n", "event log", log + (ccel == null ? " (no CCEL: boot RTMRs taken as zero)"
                : " after the CCEL " + ccel));
        out.printf("%-11s %s: %d record(s) confirmed, %d unconfirmed, %d damaged%n", "replay",
                r.matches() ? "matches the RTMRs" : "DOES NOT MATCH", r.confirmed().size(), r.unconfirmed().size(),
                r.damaged().size());
        for (RuntimeEvent e : r.unconfirmed()) {
            out.printf("%-11s %s: recorded, but its extend never happened (the writer died or the extend failed)%n",
                    "unconfirmed", e);
        }
        for (RuntimeEventLog.DamagedRecord d : r.damaged()) {
            out.printf("%-11s record %d at byte %d: %s%n", "damaged", d.recnum(), d.offset(), d.reason());
        }
        for (RuntimeLogReplay.RtmrResult m : r.rtmrs()) {
            if (!m.matches()) {
                out.printf("%-11s %s%n", "mismatch", m.detail());
            }
        }
    }

    static void json(ObjectNode o, RuntimeLogReplay.Result r, Path log, Path ccel) {
        HexFormat hex = HexFormat.of();
        o.put("file", log.toString());
        o.put("ccel", ccel == null ? null : ccel.toString());
        o.put("matches", r.matches());
        ArrayNode rtmrs = o.putArray("rtmrs");
        for (RuntimeLogReplay.RtmrResult m : r.rtmrs()) {
            ObjectNode n = rtmrs.addObject();
            n.put("index", m.index());
            n.put("matches", m.matches());
            n.put("replayed", hex.formatHex(m.replayed()));
            n.put("reported", hex.formatHex(m.reported()));
            n.put("detail", m.matches() ? null : m.detail());
        }
        o.put("confirmed", r.confirmed().size());
        ArrayNode unconfirmed = o.putArray("unconfirmed");
        for (RuntimeEvent e : r.unconfirmed()) {
            ObjectNode n = unconfirmed.addObject();
            n.put("recnum", e.recnum());
            n.put("rtmr", e.rtmr());
            n.put("digest", hex.formatHex(e.digest()));
            n.put("description", e.description());
        }
        ArrayNode damaged = o.putArray("damaged");
        for (RuntimeEventLog.DamagedRecord d : r.damaged()) {
            ObjectNode n = damaged.addObject();
            n.put("recnum", d.recnum());
            n.put("offset", d.offset());
            n.put("reason", d.reason());
        }
    }
}
