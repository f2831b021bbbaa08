package io.github.tdx4j.attest.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rows of {@code tdx4j-attest/DEVIATIONS.md}: where tdx4j is deliberately stricter than Intel's QVL. Each row is
 * {@code | D<n> | case | QVL | tdx4j | why safe | result | pinned by | where |}; the result column names the
 * {@link ErrorCode} tdx4j answers and a quoted fragment of its detail text (or {@code flag} for a result flag), the
 * pinned-by column a test {@code Class#method}, the where column the class carrying {@code // Deviation: D<n>}.
 */
final class DeviationsTable {
    private static final Pattern ROW = Pattern.compile(
            "^\\| (D\\d+) \\|(?:[^|]*\\|){4} *`([A-Z_]+|flag)`(?: \"([^\"]*)\")? *\\| *`([A-Za-z]+)#([A-Za-z0-9]+)` *\\| *`([A-Za-z]+)[^`]*`[^|]*\\|\\s*$");

    /**
     * One row.
     *
     * @param id         D1, D2, ...
     * @param code       the error code tdx4j answers, or {@code flag}
     * @param fragment   text tdx4j's detail contains in this case (empty for a flag)
     * @param testClass  the test class pinning the row
     * @param testMethod the test method pinning the row
     * @param where      the main class carrying the {@code // Deviation:} comment
     */
    record Row(String id, String code, String fragment, String testClass, String testMethod, String where) {
        boolean matches(VerificationResult.Failed f) {
            return f.code().name().equals(code) && f.detail().contains(fragment);
        }
    }

    static Path file() {
        return Path.of("DEVIATIONS.md");
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file())) {
                Matcher m = ROW.matcher(line);
                if (m.matches()) {
                    rows.add(new Row(m.group(1), m.group(2), m.group(3) == null ? "" : m.group(3), m.group(4),
                            m.group(5), m.group(6)));
                } else if (line.startsWith("| D")) {
                    throw new IllegalStateException("DEVIATIONS.md row not in the expected form: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** The row a stricter failure belongs to. */
    static Optional<Row> match(List<Row> rows, VerificationResult.Failed f) {
        return rows.stream().filter(r -> r.matches(f)).findFirst();
    }
}
