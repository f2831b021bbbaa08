package io.github.tdx4j.trace;

import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.guest.ve.GuestTraceListener;
import io.github.tdx4j.trace.internal.Folding;
import io.github.tdx4j.trace.internal.Html;
import io.github.tdx4j.trace.internal.SequenceDiagram;
import io.github.tdx4j.trace.internal.TraceRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Records what a guest did (every TDCALL, TDVMCALL and #VE, and the interrupts it received) in sections that you
 * name, and draws it as the page {@code tdx4j demo --html} draws: a self-contained HTML file (inline CSS and SVG, no
 * script, nothing fetched) with one sequence diagram per section, lanes for the guest, the TDX module, the VMM and
 * the quoting service, one arrow per call with its decoded leaf, status and origin, failures coloured by origin,
 * registers in and out on click (values the call layer scrubbed marked), and runs of alike calls folded.
 *
 * <pre>{@code
 * TraceRecorder trace = new TraceRecorder();
 * SimulatedTdx td = Tdx.simulated(TdConfig.production(), SimSettings.strict(), trace);
 * trace.section("Get a quote", "TDG.MR.REPORT, then GetQuote through the quoting service");
 * td.quote(new byte[64]);
 * Files.writeString(Path.of("trace.html"), trace.page("my TD", td.guest().info().sharedMask()));
 * }</pre>
 *
 * <p>It is a {@link GuestTraceListener}, so it also records any guest booted with
 * {@code GuestConfig.withTrace(recorder)}; interrupts reach it through {@link #onInterrupt}. What is recorded before
 * the first {@link #section} call (on a simulated TD: its boot) goes to a first section titled
 * {@value #FIRST_SECTION}. Not thread-safe: record one guest's vCPU from one thread, as the simulator runs it.
 */
public final class TraceRecorder implements GuestTraceListener {
    /** The title of the section that holds what was recorded before the first {@link #section} call. */
    public static final String FIRST_SECTION = "Boot";

    private record Section(String title, String explanation, List<TraceRow> rows) { }

    private final List<Section> sections = new ArrayList<>();
    private final List<TraceEvent> events = new ArrayList<>();
    private int interrupts;

    /** An empty recording whose first section is {@value #FIRST_SECTION}. */
    public TraceRecorder() {
        sections.add(new Section(FIRST_SECTION, "", new ArrayList<>()));
    }

    /** Starts a section: what is recorded from now on is drawn under this title and explanation. */
    public void section(String title, String explanation) {
        sections.add(new Section(Objects.requireNonNull(title, "title"),
                Objects.requireNonNull(explanation, "explanation"), new ArrayList<>()));
    }

    /** Records a TDCALL, TDVMCALL or #VE the guest made or took. */
    @Override
    public void onEvent(TraceEvent event) {
        add(new TraceRow.Call(event, false));
    }

    /** Records a call the #VE handler made while handling the #VE recorded last (drawn under it). */
    @Override
    public void onNestedEvent(TraceEvent event) {
        add(new TraceRow.Call(event, true));
    }

    /** Records an interrupt the VMM posted, delivered at {@code atNanos} of the platform's time. */
    public void onInterrupt(int vector, long atNanos) {
        sections.getLast().rows().add(new TraceRow.Interrupt(vector, atNanos));
        interrupts++;
    }

    private void add(TraceRow.Call call) {
        sections.getLast().rows().add(call);
        events.add(call.event());
    }

    /** The TDCALLs, TDVMCALLs and #VEs recorded, in order: one arrow each on the page. */
    public List<TraceEvent> events() {
        return List.copyOf(events);
    }

    /** How many interrupts were recorded: one dashed arrow each on the page. */
    public int interrupts() {
        return interrupts;
    }

    /** The recording as text, one line per call, #VE or interrupt, alike runs folded unless {@code full}. */
    public List<String> lines(boolean full, long sharedMask) {
        List<String> lines = new ArrayList<>();
        for (Section s : sections) {
            if (s.rows().isEmpty() && s == sections.getFirst()) {
                continue;
            }
            lines.add("== " + s.title() + " ==");
            lines.addAll(Folding.lines(s.rows(), full, sharedMask));
        }
        return lines;
    }

    /**
     * The recording as a self-contained HTML page titled {@code title}, one sequence diagram per non-empty section
     * ({@value #FIRST_SECTION} is left out when nothing was recorded before the first {@link #section} call).
     * {@code sharedMask} is the TD's shared bit ({@code guest().info().sharedMask()}; 0 if unknown), used to tell a
     * MapGPA to shared from one to private. Every title, explanation and traced value is escaped.
     */
    public String page(String title, long sharedMask) {
        Html h = Html.page(Objects.requireNonNull(title, "title"), SequenceDiagram.CSS);
        h.element("h1", title);
        SequenceDiagram.legend(h);
        SequenceDiagram.Counter ids = new SequenceDiagram.Counter();
        for (Section s : sections) {
            if (s.rows().isEmpty() && s == sections.getFirst()) {
                continue;
            }
            h.open("section").attr("class", "step").end();
            h.element("h2", s.title());
            if (!s.explanation().isEmpty()) {
                h.element("p", s.explanation());
            }
            if (s.rows().isEmpty()) {
                h.element("p", "Nothing was traced in this section.");
            }
            SequenceDiagram.timeline(h, s.rows(), sharedMask, ids);
            h.raw("</section>");
        }
        return h.finish();
    }
}
