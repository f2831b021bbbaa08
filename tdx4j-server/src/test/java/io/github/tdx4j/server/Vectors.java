package io.github.tdx4j.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's public test vectors ({@code vectors/}, provenance in its README.md). */
final class Vectors {
    static final Path DIR = Path.of(System.getProperty("tdx4j.vectors", "../vectors")).toAbsolutePath().normalize();

    private Vectors() {
    }

    static Path path(String relative) {
        return DIR.resolve(relative);
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
