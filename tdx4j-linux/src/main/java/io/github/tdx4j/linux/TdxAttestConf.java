package io.github.tdx4j.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code /etc/tdx-attest.conf}, the configuration file of Intel's libtdx_attest: a line {@code port = N} names the
 * vsock port of the host's QGS; without one, libtdx_attest does not try vsock and goes to configfs-tsm
 * (intel/SGXDataCenterAttestationPrimitives, QuoteGeneration/quote_wrapper/tdx_attest/tdx_attest.c and the
 * tdx-attest.conf it installs, whose {@code port} line ships commented out).
 *
 * <p>Syntax read here: one {@code key = value} per line; {@code #} starts a comment; blanks around key and value
 * are ignored; keys other than {@code port} are ignored. The port is a decimal vsock port, 1..4294967294. A file
 * that cannot be read or a {@code port} line that is not such a number makes QGS unconfigured, with the reason.
 */
public final class TdxAttestConf {
    /** Where libtdx_attest reads it. */
    public static final Path DEFAULT_PATH = Path.of("/etc/tdx-attest.conf");
    /** Bigger than any plausible configuration file: read no further. */
    static final int MAX_BYTES = 64 * 1024;

    private TdxAttestConf() {
    }

    /** What the file says about QGS. A closed set we produce. */
    public sealed interface Result {
        /** One sentence for people. */
        String describe();
    }

    /** A vsock port for QGS on the host, from line {@code line} of {@code file}. */
    public record Port(long port, Path file, int line) implements Result {
        @Override
        public String describe() {
            return "port " + port + " from " + file + " line " + line;
        }
    }

    /** QGS is not configured, and why: no file, no port line, or a port line that is not a valid port. */
    public record NotConfigured(String why) implements Result {
        public NotConfigured {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String describe() {
            return why;
        }
    }

    /** Reads {@code file}. */
    public static Result read(Path file) {
        byte[] bytes;
        if (Files.isDirectory(file)) {
            return new NotConfigured(file + " is a directory, not a tdx-attest.conf");
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                return new NotConfigured(file + " is larger than " + MAX_BYTES + " bytes, not a tdx-attest.conf");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new NotConfigured(file + " does not exist (it names the QGS vsock port as 'port = 4050')");
        } catch (IOException e) {
            String why = switch (e) {
                case java.nio.file.AccessDeniedException _ -> "permission denied";
                case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
                default -> e.getMessage() == null ? "an I/O error" : e.getMessage();
            };
            return new NotConfigured("cannot read " + file + " (" + why.toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), file);
    }

    /** Parses the text of {@code file}. The last {@code port} line wins, as repeated keys do in such files. */
    static Result parse(String text, Path file) {
        Result result = new NotConfigured(file + " has no 'port = N' line (QGS over vsock is not configured)");
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            int eq = line.indexOf('=');
            if (eq < 0 || !line.substring(0, eq).strip().equals("port")) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            long port;
            try {
                port = value.matches("[0-9]{1,10}") ? Long.parseLong(value) : -1;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port >= 0xFFFF_FFFFL) {
                result = new NotConfigured(file + " line " + (i + 1) + ": 'port = " + value + "' is not a vsock port "
                        + "(a decimal number 1..4294967294)");
            } else {
                result = new Port(port, file, i + 1);
            }
        }
        return result;
    }
}
