package io.github.tdx4j.attest.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The shared attestation test vectors ({@code shared/testdata}, a sibling of the repository; provenance and
 * expected facts in its README.md), found by walking up from the working directory.
 */
public final class TestData {
    private static final Path ROOT = locate();

    private TestData() {
    }

    private static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("testdata");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/testdata not found above " + Path.of("").toAbsolutePath()
                + "; the attestation tests need the shared test vectors next to the repository");
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
