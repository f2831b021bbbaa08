package io.github.tdx4j.attest.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The repository's public attestation test vectors ({@code vectors/} at the repository root; provenance and
 * expected facts in its README.md). The parent pom's surefire configuration passes the folder as the system
 * property {@code tdx4j.vectors}; an IDE run from the module folder finds it as {@code ../vectors}.
 */
public final class TestData {
    private static final Path ROOT = locate();

    private TestData() {
    }

    private static Path locate() {
        String configured = System.getProperty("tdx4j.vectors");
        Path dir = (configured != null ? Path.of(configured) : Path.of("..", "vectors")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("README.md"))) {
            throw new IllegalStateException("the test vectors are not at " + dir
                    + "; run the tests through Maven from the repository, which sets tdx4j.vectors");
        }
        return dir;
    }

    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A quote stored as hex text with a {@code 0x} prefix (dcap-qvl/tdx-quote.hex). */
    public static byte[] hexFile(String relative) {
        String text = new String(bytes(relative)).strip();
        if (text.startsWith("0x")) {
            text = text.substring(2);
        }
        return HexFormat.of().parseHex(text);
    }

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
