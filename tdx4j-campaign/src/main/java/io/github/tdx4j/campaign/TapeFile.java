package io.github.tdx4j.campaign;

import io.github.tdx4j.sim.adversary.FaultTape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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

    /** A tape file is a few lines; hand-made ones may carry comments. Anything larger is not a tape file. */
    public static final int MAX_SIZE = 64 * 1024;

    /**
     * Reads a tape file.
     *
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException if it is not a tape file
     */
    public static TapeFile read(Path file) throws IOException {
        byte[] content;
        try (var in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_SIZE + 1);
        }
        return parse(file.toString(), content);
    }

    /**
     * Parses the content of a tape file.
     *
     * @param name    the file's name, for messages
     * @param content the file's bytes: ASCII text, at most {@link #MAX_SIZE} bytes
     * @throws IllegalArgumentException with one sentence naming {@code name} and the problem if it is not a tape file
     */
    public static TapeFile parse(String name, byte[] content) {
        if (content.length > MAX_SIZE) {
            throw new IllegalArgumentException(name + " is not a tape file: it is larger than " + MAX_SIZE + " bytes");
        }
        for (int i = 0; i < content.length; i++) {
            int b = content[i] & 0xFF;
            if (b > 0x7e || (b < 0x20 && b != '\t' && b != '\n' && b != '\r')) {
                throw new IllegalArgumentException(String.format(
                        "%s is not a tape file: it is not ASCII text (byte 0x%02x at offset %d)", name, b, i));
            }
        }
        Map<String, String> kv = new HashMap<>();
        for (String l : new String(content, StandardCharsets.US_ASCII).split("\n")) {
            String s = l.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            int eq = s.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(name + " is not a tape file: line \"" + s + "\" has no '='");
            }
            kv.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
        }
        if (!kv.containsKey("version") || !kv.containsKey("seed") || !kv.containsKey("tape")) {
            throw new IllegalArgumentException(name + " is not a tape file: it needs version, seed and tape");
        }
        String bad = name + " is not a valid tape file: ";
        int version;
        try {
            version = Integer.parseInt(kv.get("version"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bad + "version \"" + kv.get("version") + "\" is not a number", e);
        }
        String seed = kv.get("seed");
        long s;
        try {
            s = seed.startsWith("0x") ? Long.parseUnsignedLong(seed.substring(2), 16) : Long.parseLong(seed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bad + "seed \"" + seed
                    + "\" is not a 64-bit number in decimal or 0x-hex", e);
        }
        Oracle o = null;
        if (kv.containsKey("oracle")) {
            try {
                o = Oracle.valueOf(kv.get("oracle"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(bad + "oracle \"" + kv.get("oracle") + "\" is not one of "
                        + java.util.Arrays.toString(Oracle.values()), e);
            }
        }
        FaultTape tape;
        try {
            tape = FaultTape.ofHex(kv.get("tape"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(bad + "tape is not hex with an even number of digits", e);
        }
        return new TapeFile(version, s, tape, o);
    }
}
