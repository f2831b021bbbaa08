package io.github.tdx4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's public attestation test vectors for benchmarks ({@code vectors/} at the repository root,
 * provenance in its README.md): the folder named by the system property {@code tdx4j.vectors}, else
 * {@code vectors} in the working directory (run benchmarks from the repository root).
 */
final class BenchData {
    private static final Path ROOT = locate();

    private BenchData() {
    }

    private static Path locate() {
        String configured = System.getProperty("tdx4j.vectors");
        Path dir = Path.of(configured != null ? configured : "vectors").toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("README.md"))) {
            throw new IllegalStateException("the test vectors are not at " + dir
                    + "; run the benchmarks from the repository root or set -Dtdx4j.vectors=DIR");
        }
        return dir;
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
