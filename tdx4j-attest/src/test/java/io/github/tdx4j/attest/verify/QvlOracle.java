package io.github.tdx4j.attest.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Intel's Quote Verification Library as a command: {@code qvl-driver QUOTE COLLATERAL_JSON ROOT_CERT EPOCH_SECONDS}
 * prints one JSON line with {@code status} (a TCB status in Intel's spelling) or {@code error} (a QVL status name),
 * {@code collateralExpired} (every collateral item counts) and, with a status, {@code qveExpired} (TCB info and QE
 * identity nextUpdate only). The command is not part of this repository: it is looked up at
 * {@code ../shared/tools/qvl-oracle/qvl-driver} beside the repository root, or where the system property
 * {@code tdx4j.qvl.oracle} says.
 */
final class QvlOracle {
    /** System property naming the oracle executable. */
    static final String PROPERTY = "tdx4j.qvl.oracle";
    /** Where the oracle lives relative to the repository root when the property is not set. */
    static final String DEFAULT_RELATIVE = "../shared/tools/qvl-oracle/qvl-driver";
    /** Bound on one oracle run (it takes about 20 ms of CPU). */
    private static final long TIMEOUT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path executable;

    private QvlOracle(Path executable) {
        this.executable = executable;
    }

    /** The oracle's path: the system property, else {@link #DEFAULT_RELATIVE} from the repository root. */
    static Path location() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        // The parent pom sets tdx4j.vectors to <repository root>/vectors.
        Path vectors = Path.of(System.getProperty("tdx4j.vectors", "../vectors")).toAbsolutePath().normalize();
        return vectors.getParent().resolve(DEFAULT_RELATIVE).normalize();
    }

    /** The oracle, if its executable exists at {@link #location()}. */
    static Optional<QvlOracle> find() {
        Path p = location();
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(new QvlOracle(p)) : Optional.empty();
    }

    /**
     * The oracle's verdict.
     *
     * @param status            TCB status (Intel's spelling), or null when {@link #error} is set
     * @param error             QVL status name of a failure, or null
     * @param collateralExpired any collateral item expired at the time
     * @param qveExpired        TCB info or QE identity nextUpdate passed (only with a status)
     * @param line              the raw output line, for reports
     */
    record Verdict(String status, String error, boolean collateralExpired, boolean qveExpired, String line) {
        boolean accepted() {
            return status != null;
        }
    }

    /** Runs the oracle on files already written. */
    Verdict run(Path quote, Path collateralJson, Path root, Instant at) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(executable.toString(), quote.toString(), collateralJson.toString(),
                root.toString(), Long.toString(at.getEpochSecond())).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("qvl-driver did not finish within " + TIMEOUT_SECONDS + " s on " + quote);
        }
        String line = new String(out, StandardCharsets.UTF_8).strip();
        JsonNode n = JSON.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IOException("qvl-driver printed no JSON object for " + quote + ": " + line);
        }
        return new Verdict(n.path("status").isTextual() ? n.get("status").textValue() : null,
                n.path("error").isTextual() ? n.get("error").textValue() : null,
                n.path("collateralExpired").asBoolean(false), n.path("qveExpired").asBoolean(false), line);
    }
}
