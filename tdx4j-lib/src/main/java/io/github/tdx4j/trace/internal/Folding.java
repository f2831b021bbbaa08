package io.github.tdx4j.trace.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * How a long trace stays readable, in text and on a page: a top-level row with the calls a #VE handler made under it
 * is a group; {@link #FOLD_AT} or more consecutive groups that differ only in values (the same kinds, leaves,
 * statuses and origins) are shown as their first group and "... and N more like this".
 */
public final class Folding {
    /** Runs of this many alike groups or more are folded. */
    public static final int FOLD_AT = 3;

    private Folding() {
    }

    /** The rows as groups: a top-level row with the rows nested under it. */
    public static List<List<TraceRow>> groups(List<? extends TraceRow> rows) {
        List<List<TraceRow>> groups = new ArrayList<>();
        for (TraceRow r : rows) {
            if (!r.nested() || groups.isEmpty()) {
                groups.add(new ArrayList<>());
            }
            groups.getLast().add(r);
        }
        return groups;
    }

    /** What must be equal for two groups to fold: kinds, leaves, statuses and origins, not values. */
    public static List<String> signature(List<TraceRow> group) {
        return group.stream().map(r -> switch (r) {
            case TraceRow.Call c -> c.event().kind() + " " + c.event().leaf() + " " + c.event().status() + " "
                    + c.event().origin();
            case TraceRow.Interrupt i -> "INTERRUPT " + i.vector();
        }).toList();
    }

    /**
     * The trace as text, one line per row, nested rows indented; unless {@code full}, each run of {@link #FOLD_AT} or
     * more alike groups is its first group and one "... and N more like this" line.
     */
    public static List<String> lines(List<? extends TraceRow> rows, boolean full, long sharedMask) {
        List<List<TraceRow>> groups = groups(rows);
        List<String> lines = new ArrayList<>();
        int i = 0;
        while (i < groups.size()) {
            List<TraceRow> g = groups.get(i);
            int j = i + 1;
            while (!full && j < groups.size() && signature(groups.get(j)).equals(signature(g))) {
                j++;
            }
            for (TraceRow r : g) {
                lines.add((r.nested() ? "  " : "") + line(r, sharedMask));
            }
            if (j - i < FOLD_AT) {
                j = i + 1;
            } else {
                lines.add("... and " + (j - i - 1) + " more like this");
            }
            i = j;
        }
        return lines;
    }

    /** One trace line: a call or #VE as {@link TraceFormatter} prints it, or an interrupt. */
    public static String line(TraceRow row, long sharedMask) {
        return switch (row) {
            case TraceRow.Call c -> TraceFormatter.line(c.event(), sharedMask);
            case TraceRow.Interrupt i -> String.format("IRQ      %-20s posted by the VMM -> delivered to the guest's "
                    + "handler", String.format("vector %#x", i.vector()));
        };
    }
}
