package io.github.tdx4j.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's public test vectors ({@code vectors/} at the repository root, provenance in its README.md),
 * passed by the parent pom's surefire configuration as the system property {@code tdx4j.vectors}.
 */
public final class TestData {
    private TestData() {
    }

    public static Path dir() {
        String configured = System.getProperty("tdx4j.vectors");
        Path dir = (configured != null ? Path.of(configured) : Path.of("..", "vectors")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("README.md"))) {
            throw new IllegalStateException("the test vectors are not at " + dir
                    + "; run the tests through Maven from the repository, which sets tdx4j.vectors");
        }
        return dir;
    }

    public static byte[] read(String relative) {
        try {
            return Files.readAllBytes(dir().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
