package io.github.tdx4j.campaign;

import io.github.tdx4j.sim.adversary.FaultTape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A replayable failing case: (model version, seed, tape) and the oracle it broke, as a small text file.
 *
 * <pre>
 * # tdx4j campaign tape
 * version=1
 * seed=0x1f2e3d4c5b6a7988
 * oracle=LEAK
 * tape=00000300a1
 * </pre>
 *
 * @param version the {@link CampaignRun#MODEL_VERSION} it was recorded with
 * @param seed    the run's seed
 * @param tape    the fault tape
 * @param oracle  the oracle it broke (null for a tape saved for another reason)
 */
public record TapeFile(int version, long seed, FaultTape tape, Oracle oracle) {
    public TapeFile {
        Objects.requireNonNull(tape, "tape");
    }

    /** Writes the file; returns its path. */
    public Path write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String text = "# tdx4j campaign tape: replay with tdx4j campaign --replay " + file.getFileName() + "\n"
                + "version=" + version + "\n"
                + "seed=0x" + Long.toHexString(seed) + "\n"
                + (oracle == null ? "" : "oracle=" + oracle + "\n")
                + "tape=" + tape + "\n";
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    /**
     * Reads a tape file.
     *
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException if it is not a tape file
     */
    public static TapeFile read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        Map<String, String> kv = new HashMap<>();
        for (String l : lines) {
            String s = l.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            int eq = s.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(file + " is not a tape file: line \"" + s + "\" has no '='");
            }
            kv.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
        }
        if (!kv.containsKey("version") || !kv.containsKey("seed") || !kv.containsKey("tape")) {
            throw new IllegalArgumentException(file + " is not a tape file: it needs version, seed and tape");
        }
        try {
            String seed = kv.get("seed");
            long s = seed.startsWith("0x") ? Long.parseUnsignedLong(seed.substring(2), 16) : Long.parseLong(seed);
            Oracle o = kv.containsKey("oracle") ? Oracle.valueOf(kv.get("oracle")) : null;
            return new TapeFile(Integer.parseInt(kv.get("version")), s, FaultTape.ofHex(kv.get("tape")), o);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a valid tape file: " + e.getMessage(), e);
        }
    }
}
