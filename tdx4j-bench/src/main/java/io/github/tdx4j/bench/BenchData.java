package io.github.tdx4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared attestation test vectors for benchmarks: {@code shared/testdata} next to the repository, found by
 * walking up from the working directory (run benchmarks from the repository root).
 */
final class BenchData {
    private static final Path ROOT = locate();

    private BenchData() {
    }

    private static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared/testdata"))) {
                return dir.resolve("shared/testdata");
            }
        }
        throw new IllegalStateException("shared/testdata not found above " + Path.of("").toAbsolutePath()
                + "; run the benchmarks from the repository root");
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
