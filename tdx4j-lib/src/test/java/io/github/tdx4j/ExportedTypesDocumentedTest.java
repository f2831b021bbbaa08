package io.github.tdx4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every type a user can reach, in every package a module exports to everyone, says what it is for in a doc comment.
 * The javadoc build ({@code -Ppublish}) checks the comments' HTML and references with doclint but leaves out
 * doclint's "missing" group (it also wants every member documented); this test is the part of "missing" we keep:
 * top-level public types, and the public member types of top-level types (implicitly public in an interface).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExportedTypesDocumentedTest {
    private static final Pattern EXPORT = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile(
            "^( {0}| {4})((?:public |protected |private |static |final |abstract |sealed |non-sealed |strictfp )*)"
                    + "(class|interface|record|enum|@interface)\\s+(\\w+)");

    @Test
    @DisplayName("every exported type has a doc comment")
    void everyExportedTypeHasADocComment() throws IOException {
        Path root = Path.of(System.getProperty("tdx4j.vectors", "../vectors")).toAbsolutePath().normalize()
                .getParent();
        List<String> undocumented = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> infos = Files.find(root, 5, (p, a) -> p.endsWith(Path.of("src/main/java/module-info.java")))) {
            for (Path info : infos.toList()) {
                Path sources = info.getParent();
                Matcher m = EXPORT.matcher(Files.readString(info));
                while (m.find()) {
                    Path dir = sources.resolve(m.group(1).replace('.', '/'));
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path file : files.filter(f -> f.toString().endsWith(".java")
                                && !f.endsWith("package-info.java")).sorted().toList()) {
                            checked += check(root.relativize(file), Files.readAllLines(file), undocumented);
                        }
                    }
                }
            }
        }
        assertThat(checked).as("exported types found").isGreaterThan(100);
        assertThat(undocumented).as("exported types without a doc comment").isEmpty();
    }

    /** Checks the reachable type declarations of one file; returns how many it checked. */
    private static int check(Path file, List<String> lines, List<String> undocumented) {
        int checked = 0;
        boolean topLevelInterface = false;
        for (int i = 0; i < lines.size(); i++) {
            Matcher t = TYPE.matcher(lines.get(i));
            if (!t.find()) {
                continue;
            }
            boolean topLevel = t.group(1).isEmpty();
            String modifiers = t.group(2);
            boolean reachable = topLevel ? modifiers.contains("public")
                    : modifiers.contains("public") || topLevelInterface && !modifiers.contains("private");
            if (topLevel) {
                topLevelInterface = t.group(3).equals("interface") || t.group(3).equals("@interface");
            }
            if (!reachable) {
                continue;
            }
            checked++;
            int j = i - 1;
            // Between the doc comment and the declaration: blank lines, annotations, and // notes (deviations).
            while (j >= 0 && (lines.get(j).isBlank() || lines.get(j).trim().startsWith("@")
                    || lines.get(j).trim().startsWith("//"))) {
                j--;
            }
            if (j < 0 || !lines.get(j).trim().endsWith("*/") || !startsDocComment(lines, j)) {
                undocumented.add(file + ":" + (i + 1) + " " + t.group(4));
            }
        }
        return checked;
    }

    /** Whether the comment ending on line {@code end} starts with {@code /**}. */
    private static boolean startsDocComment(List<String> lines, int end) {
        for (int k = end; k >= 0; k--) {
            String l = lines.get(k).trim();
            if (l.startsWith("/**")) {
                return true;
            }
            if (l.startsWith("/*") || l.startsWith("//")) {
                return false;
            }
        }
        return false;
    }
}
