import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The mutation-score gate of {@code -Pmutation} (README, "Mutation testing"), run by the build after PIT as
 * {@code java scripts/PitThreshold.java ...}.
 *
 * <p>Written by hand because PIT has no list of equivalent mutants: its own {@code mutationThreshold} counts every
 * surviving mutant, including those no test can kill because the mutated program behaves the same. This reads PIT's
 * {@code mutations.xml}, takes out the mutants named in the module's checked-in list of equivalent mutants, and then
 * applies the module's thresholds: the mutation score (detected / (all - equivalent), the same "detected" as PIT:
 * KILLED, TIMED_OUT, MEMORY_ERROR, RUN_ERROR, NON_VIABLE) and the number of mutants no test runs (NO_COVERAGE).
 *
 * <p>The list has one mutant a line, fields separated by {@code " | "}, {@code #} starting a comment line:
 * <pre>
 * class#method | mutator | PIT's description | text on the mutated source line | why it is equivalent
 * </pre>
 * The source text may itself contain {@code " | "} (Java's or): the first three fields and the last are split off,
 * the rest is the text.
 * An entry matches a mutant with that class, method, mutator (simple name) and description whose source line
 * contains the text, and that no test detected; the text keeps an entry on its line when lines move. An entry that
 * matches no surviving mutant fails the build: the list only ever holds mutants that still survive.
 *
 * <p>Arguments: {@code MODULE REPORT_XML SOURCE_ROOT EQUIVALENTS MIN_SCORE MAX_UNCOVERED SUMMARY_OUT}; the
 * equivalents file may be absent (no entries). Exit 0 when the thresholds hold, 1 when not, 2 on bad input.
 */
public final class PitThreshold {
    private static final Set<String> DETECTED = Set.of("KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR",
            "NON_VIABLE");

    /**
     * One mutant of the report. {@code index}, its position in the report, keeps apart mutants that agree in every
     * other field (PIT makes two "Replaced integer multiplication with division" on a line with two {@code *}).
     */
    private record Mutant(int index, String clazz, String method, String mutator, String description,
                          String sourceFile, int line, String status) {
    }

    private record Entry(int listLine, String clazz, String method, String mutator, String description,
                         String fragment, String reason) {
    }

    private PitThreshold() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: PitThreshold MODULE REPORT_XML SOURCE_ROOT EQUIVALENTS MIN_SCORE "
                    + "MAX_UNCOVERED SUMMARY_OUT");
            System.exit(2);
        }
        String module = args[0];
        Path report = Path.of(args[1]);
        Path sources = Path.of(args[2]);
        Path equivalents = Path.of(args[3]);
        int minScore = Integer.parseInt(args[4]);
        int maxUncovered = Integer.parseInt(args[5]);
        Path summary = Path.of(args[6]);
        if (!Files.isRegularFile(report)) {
            System.err.println("PitThreshold: " + report + " does not exist; did PIT run?");
            System.exit(2);
        }
        List<Mutant> mutants = read(report);
        List<Entry> entries = Files.isRegularFile(equivalents) ? parse(equivalents) : List.of();

        List<String> problems = new ArrayList<>();
        Map<Mutant, Entry> equivalent = new LinkedHashMap<>();
        for (Entry e : entries) {
            int matched = 0;
            for (Mutant m : mutants) {
                if (!DETECTED.contains(m.status()) && matches(e, m, sources)) {
                    matched++;
                    equivalent.put(m, e);
                }
            }
            if (matched == 0) {
                problems.add(String.format("%s:%d matches no surviving mutant (%s#%s %s '%s'): a test kills it now or "
                        + "the code changed; remove or correct the entry", equivalents, e.listLine(), e.clazz(),
                        e.method(), e.mutator(), e.description()));
            }
        }

        int total = mutants.size() - equivalent.size();
        long detected = mutants.stream().filter(m -> DETECTED.contains(m.status())).count();
        long killed = mutants.stream().filter(m -> m.status().equals("KILLED")).count();
        long uncovered = mutants.stream().filter(m -> m.status().equals("NO_COVERAGE") && !equivalent.containsKey(m))
                .count();
        long survived = total - detected - uncovered;
        // Whole percent, rounded down: a score is never reported above what was reached.
        long score = total == 0 ? 100 : detected * 100 / total;

        String row = String.format("| %s | %d | %d | %d | %d | %d | %d%% |", module, mutants.size(), equivalent.size(),
                killed, detected - killed, uncovered, score);
        Files.createDirectories(summary.toAbsolutePath().getParent());
        Files.writeString(summary, "| module | mutations | equivalent | killed | timed out / other detected "
                + "| no coverage | score |\n|---|---|---|---|---|---|---|\n" + row + "\n", StandardCharsets.UTF_8);
        PrintStream out = System.out;
        out.printf("PitThreshold %s: %d mutations, %d listed as equivalent, %d detected, %d survived, %d without "
                        + "coverage: score %d%% (threshold %d%%), uncovered %d (at most %d)%n", module, mutants.size(),
                equivalent.size(), detected, survived, uncovered, score, minScore, uncovered, maxUncovered);
        for (Mutant m : mutants) {
            if (!DETECTED.contains(m.status()) && !equivalent.containsKey(m)) {
                out.printf("  %s %s#%s line %d: %s (%s)%n", m.status(), m.clazz(), m.method(), m.line(),
                        m.description(), m.mutator());
            }
        }
        if (detected * 100 < (long) minScore * total) {
            problems.add(String.format("mutation score %d%% is below the threshold %d%%", score, minScore));
        }
        if (uncovered > maxUncovered) {
            problems.add(String.format("%d mutants have no test covering them; at most %d allowed", uncovered,
                    maxUncovered));
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("PitThreshold " + module + ": " + p));
            System.exit(1);
        }
    }

    private static boolean matches(Entry e, Mutant m, Path sources) throws IOException {
        if (!e.clazz().equals(m.clazz()) || !e.method().equals(m.method()) || !e.description().equals(m.description())
                || !m.mutator().endsWith("." + e.mutator())) {
            return false;
        }
        String pkg = m.clazz().contains(".") ? m.clazz().substring(0, m.clazz().lastIndexOf('.')) : "";
        Path file = sources.resolve(pkg.replace('.', '/')).resolve(m.sourceFile());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return m.line() >= 1 && m.line() <= lines.size() && lines.get(m.line() - 1).contains(e.fragment());
    }

    private static List<Mutant> read(Path report) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        NodeList list = f.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("mutation");
        List<Mutant> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            Element m = (Element) list.item(i);
            out.add(new Mutant(i, text(m, "mutatedClass"), text(m, "mutatedMethod"), text(m, "mutator"),
                    text(m, "description"), text(m, "sourceFile"), Integer.parseInt(text(m, "lineNumber")),
                    m.getAttribute("status")));
        }
        return out;
    }

    private static String text(Element parent, String tag) {
        NodeList n = parent.getElementsByTagName(tag);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
    }

    private static List<Entry> parse(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" \\| ", -1);
            if (f.length < 5 || f[f.length - 1].isBlank()) {
                System.err.printf("PitThreshold: %s:%d: expected 'class#method | mutator | description | source "
                        + "text | reason'%n", file, i + 1);
                System.exit(2);
            }
            String[] classMethod = f[0].strip().split("#", 2);
            if (classMethod.length != 2) {
                System.err.printf("PitThreshold: %s:%d: the first field is class#method%n", file, i + 1);
                System.exit(2);
            }
            String fragment = String.join(" | ", java.util.Arrays.asList(f).subList(3, f.length - 1)).strip();
            out.add(new Entry(i + 1, classMethod[0], classMethod[1], f[1].strip(), f[2].strip(), fragment,
                    f[f.length - 1].strip()));
        }
        return out;
    }
}
