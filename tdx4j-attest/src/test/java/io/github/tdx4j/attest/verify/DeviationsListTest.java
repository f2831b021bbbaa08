package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * DEVIATIONS.md, the code and the tests agree: every {@code // Deviation: D<n>} comment names a row, every row's
 * "where" class carries its comment, and every row's pinning test exists and says which row it pins.
 */
class DeviationsListTest {
    private static final Pattern COMMENT = Pattern.compile("^\\s*// Deviation: (D\\d+)\\b.*");

    @Test
    @DisplayName("DEVIATIONS.md rows and // Deviation: comments name the same ids; each row's class has its comment and its test exists")
    void tableCommentsAndTestsAgree() throws IOException {
        Map<String, Set<String>> commentsById = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    Matcher m = COMMENT.matcher(line);
                    if (m.matches()) {
                        commentsById.computeIfAbsent(m.group(1), k -> new TreeSet<>())
                                .add(f.getFileName().toString().replace(".java", ""));
                    }
                }
            }
        }
        List<DeviationsTable.Row> rows = DeviationsTable.rows();
        assertThat(rows).as("DEVIATIONS.md rows").isNotEmpty();
        assertThat(rows.stream().map(DeviationsTable.Row::id).distinct().count()).as("row ids are unique")
                .isEqualTo(rows.size());
        Set<String> rowIds = rows.stream().map(DeviationsTable.Row::id).collect(Collectors.toCollection(TreeSet::new));
        assertThat(rowIds).as("row ids vs // Deviation: comment ids").isEqualTo(commentsById.keySet());
        for (DeviationsTable.Row row : rows) {
            assertThat(commentsById.get(row.id())).as(row.id() + ": class named in 'where'").contains(row.where());
            Path test = Path.of("src/test/java/io/github/tdx4j/attest/verify", row.testClass() + ".java");
            assertThat(test).as(row.id() + ": pinning test class").exists();
            String source = Files.readString(test);
            assertThat(source).as(row.id() + ": pinning test method").contains("void " + row.testMethod() + "(");
            assertThat(source).as(row.id() + ": a test says it pins this row").contains("Deviation " + row.id() + ":");
        }
    }
}
