package io.github.tdx4j.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Every Markdown document of the repository (the root README, every module's README, DEVIATIONS and the READMEs
 * of test resources) points only at things that exist: each relative link {@code [text](path#anchor)} resolves to a
 * file or folder of the repository, its anchor to a heading of the target document, and each repository path a
 * document shows in code ({@code `vectors/dcap-qvl/tdx_quote`}, a command line in a code block) names a file or
 * folder that exists, so a reader who copies a command finds its inputs.
 *
 * <p>A path in code is checked when its first segment exists at the repository root or beside the document (so
 * {@code vectors/...}, {@code tdx4j-attest/...}, {@code deploy/...} in tdx4j-server's README); other words with
 * slashes (HTTP routes, {@code /dev/tdx_guest}, {@code ~/.cache/tdx4j}, {@code application/json}) are not repository
 * paths. Build outputs ({@code target/}) and paths with placeholders ({@code <module>}, {@code *}, {@code {sgx,tdx}})
 * are not checked.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadmeLinksTest {
    static final Path REPO = repository();

    private static final Pattern LINK = Pattern.compile("\\[(?:[^\\]\\[]|\\[[^\\]]*\\])*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern REPO_PATH = Pattern.compile("(?:\\./)?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+/?");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    private static Path repository() {
        String vectors = System.getProperty("tdx4j.vectors");
        Path root = (vectors != null ? Path.of(vectors).getParent() : Path.of("..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("README.md")) || !Files.isDirectory(root.resolve("tdx4j-arch"))) {
            throw new IllegalStateException("the repository is not at " + root
                    + "; run the tests through Maven from the repository, which sets tdx4j.vectors");
        }
        return root;
    }

    /** Every Markdown file of the repository, outside build outputs, Git's folder and npm's packages. */
    static List<Path> documents() throws IOException {
        try (Stream<Path> s = Files.walk(REPO)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .filter(p -> {
                        for (Path part : REPO.relativize(p)) {
                            String n = part.toString();
                            if (n.equals("target") || n.equals(".git") || n.equals("node_modules")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted().toList();
        }
    }

    @Test
    @DisplayName("the documents checked include the root README and the README of every module that has one")
    void everyModuleReadmeIsChecked() throws IOException {
        List<Path> docs = documents();
        assertThat(docs).contains(REPO.resolve("README.md"), REPO.resolve("tdx4j-server/README.md"),
                REPO.resolve("tdx4j-ratls/README.md"), REPO.resolve("tdx4j-linux/README.md"),
                REPO.resolve("tdx4j-campaign/README.md"), REPO.resolve("vectors/README.md"));
        try (Stream<Path> modules = Files.list(REPO)) {
            for (Path m : modules.filter(p -> Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isRegularFile(p.resolve("README.md"))).toList()) {
                assertThat(docs).contains(m.resolve("README.md"));
            }
        }
    }

    @TestFactory
    @DisplayName("every relative link, anchor and repository path in code resolves in the repository")
    Stream<DynamicTest> everyLinkAndPathResolves() throws IOException {
        Map<Path, Set<String>> anchors = new HashMap<>();
        return documents().stream().map(doc -> DynamicTest.dynamicTest(REPO.relativize(doc).toString(), () -> {
            List<String> broken = broken(doc, anchors);
            assertThat(broken).as("links and paths in " + REPO.relativize(doc) + " that do not resolve").isEmpty();
        }));
    }

    @Test
    @DisplayName("the checker finds a broken link, a broken anchor and a missing path in code (planted in a document)")
    void checkerFindsPlantedBreakage() throws IOException {
        Path doc = REPO.resolve("tdx4j-arch/target/planted-readme/README.md");
        Files.createDirectories(doc.getParent());
        Files.writeString(doc, """
                # Planted

                [ok](../../../README.md#exit-codes) [gone](../../NO-SUCH.md) [bad anchor](../../README.md#no-such-heading)
                [self](#planted) [self bad](#nowhere)
                Run `vectors/dcap-qvl/tdx_quote` and `vectors/dcap-qvl/no_such_quote`.

                ```
                ./tdx4j verify vectors/dcap-qvl/tdx_quote --collateral vectors/dcap-qvl/missing.json
                curl http://127.0.0.1:8081/sgx/certification/v4/pckcrl -H 'Content-Type: application/json'
                ```
                """, StandardCharsets.UTF_8);
        try {
            assertThat(broken(doc, new HashMap<>())).containsExactlyInAnyOrder(
                    "link ../../NO-SUCH.md (line 3): no such file or folder",
                    "link ../../README.md#no-such-heading (line 3): no heading with anchor #no-such-heading",
                    "link #nowhere (line 4): no heading with anchor #nowhere",
                    "path vectors/dcap-qvl/no_such_quote (line 5): no such file or folder",
                    "path vectors/dcap-qvl/missing.json (line 8): no such file or folder");
        } finally {
            Files.deleteIfExists(doc);
        }
    }

    /** What in {@code doc} does not resolve, one line each. */
    static List<String> broken(Path doc, Map<Path, Set<String>> anchorCache) throws IOException {
        List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
        Set<String> out = new LinkedHashSet<>();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int n = i + 1;
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                for (String token : line.split("[\\s\"'()=,;|<>\\[\\]`$]+")) {
                    checkPath(doc, token, n, out);
                }
                continue;
            }
            for (String token : line.split("[\\s\"'()=,;|<>\\[\\]`$*]+")) {
                checkPath(doc, token, n, out); // in prose or a code span
            }
            Matcher links = LINK.matcher(line);
            while (links.find()) {
                checkLink(doc, links.group(1), n, out, anchorCache);
            }
        }
        return new ArrayList<>(out);
    }

    private static void checkLink(Path doc, String target, int line, Set<String> out,
                                  Map<Path, Set<String>> anchorCache) throws IOException {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return; // https:, mailto: and other schemes: not in the repository
        }
        int hash = target.indexOf('#');
        String file = hash >= 0 ? target.substring(0, hash) : target;
        String anchor = hash >= 0 ? target.substring(hash + 1) : null;
        Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
        if (!resolved.startsWith(REPO) || !Files.exists(resolved)) {
            out.add("link " + target + " (line " + line + "): no such file or folder");
            return;
        }
        if (anchor != null && resolved.toString().endsWith(".md")) {
            Set<String> known = anchorCache.computeIfAbsent(resolved, ReadmeLinksTest::anchorsUnchecked);
            if (!known.contains(anchor)) {
                out.add("link " + target + " (line " + line + "): no heading with anchor #" + anchor);
            }
        }
    }

    private static void checkPath(Path doc, String token, int line, Set<String> out) {
        String t = token.replaceAll("[.:]+$", "");
        if (!REPO_PATH.matcher(t).matches()) {
            return;
        }
        if (t.startsWith("./")) {
            t = t.substring(2); // ./tdx4j-bench/compare.sh; ./tdx4j alone is no path with a folder
        }
        if (t.indexOf('/') < 0) {
            return;
        }
        String first = t.substring(0, t.indexOf('/'));
        if (first.equals("target") || t.contains("/target/") || first.startsWith(".") && !first.equals(".ci")
                && !first.equals(".mvn")) {
            return;
        }
        Path beside = doc.getParent();
        boolean repoPath = Files.exists(REPO.resolve(first)) || Files.exists(beside.resolve(first));
        if (!repoPath) {
            return;
        }
        boolean exists = t.contains("/.../") ? elided(REPO, t) || elided(beside, t)
                : Files.exists(REPO.resolve(t)) || Files.exists(beside.resolve(t));
        if (!exists) {
            out.add("path " + t + " (line " + line + "): no such file or folder");
        }
    }

    /**
     * Whether {@code path}, written with {@code /.../} for folders left out (and perhaps without its file name's
     * extension, as {@code src/test/.../fake/FakeTd}), names a file or folder under {@code base}.
     */
    private static boolean elided(Path base, String path) {
        int cut = path.indexOf("/.../");
        Path prefix = base.resolve(path.substring(0, cut));
        String suffix = "/" + path.substring(cut + 5);
        if (!Files.isDirectory(prefix)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(prefix)) {
            return s.map(p -> "/" + prefix.relativize(p).toString().replace('\\', '/'))
                    .anyMatch(p -> p.endsWith(suffix) || withoutExtension(p).endsWith(suffix));
        } catch (IOException e) {
            return false;
        }
    }

    private static String withoutExtension(String path) {
        int dot = path.lastIndexOf('.');
        return dot > path.lastIndexOf('/') ? path.substring(0, dot) : path;
    }

    private static Set<String> anchorsUnchecked(Path doc) {
        try {
            return anchors(doc);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The anchors GitHub makes for the headings of {@code doc}: lowercase, every character but letters, digits,
     * spaces, hyphens and underscores dropped, spaces made hyphens; a repeated anchor gets {@code -1}, {@code -2}...
     */
    static Set<String> anchors(Path doc) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher m = HEADING.matcher(line);
            if (fenced || !m.matches()) {
                continue;
            }
            String text = m.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int count = seen.merge(slug, 1, Integer::sum);
            out.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return out;
    }
}
