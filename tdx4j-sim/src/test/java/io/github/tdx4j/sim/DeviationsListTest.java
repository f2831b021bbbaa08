package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * DEVIATIONS.md and the code agree: every {@code // Deviation:} comment has a row in the list, and every row points
 * at a class carrying its comment. Counted per class: the first class named in a row's last column ("where").
 */
class DeviationsListTest {
    private static final Pattern ROW = Pattern.compile("^\\| [A-Z]\\d+ \\|.*\\| `([A-Za-z0-9]+)[^`]*`[^|]*\\|\\s*$");

    @Test
    @DisplayName("DEVIATIONS.md has one row per // Deviation: comment, counted per class")
    void everyDeviationCommentIsListed() throws IOException {
        Map<String, Integer> comments = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                for (String line : Files.readAllLines(f)) {
                    if (line.strip().startsWith("// Deviation:")) {
                        comments.merge(name, 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Integer> rows = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("DEVIATIONS.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.merge(m.group(1), 1, Integer::sum);
            }
        }
        assertThat(comments).as("// Deviation: comments per class").isNotEmpty();
        assertThat(rows).as("DEVIATIONS.md rows per class (first class in the 'where' column)")
                .isEqualTo(comments);
    }
}
