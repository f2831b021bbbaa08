package io.github.tdx4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The program arguments as the bytes the kernel passed them, for file names that the JVM's decoding of {@code argv}
 * loses.
 *
 * <p>The Java launcher turns each {@code argv} entry into a String with the platform's file-name charset (the system
 * property {@code sun.jnu.encoding}, taken from the locale: UTF-8 under {@code C.UTF-8}, US-ASCII without a locale as
 * under {@code env -i}). A byte that charset cannot decode becomes U+FFFD, so {@code café.dat} without a locale, or a
 * name that is not UTF-8 under a UTF-8 locale, no longer names the file. On Linux the original bytes are in
 * {@code /proc/self/cmdline} (proc(5)): the JVM's own arguments followed by the program arguments, each ended by a
 * NUL byte. The last {@code args.length} entries are taken only if each decodes, with the same charset, to the
 * String the program received; otherwise (another OS, an unexpected layout) there are no raw bytes.
 *
 * @param entries the raw bytes of each program argument, in order; empty when not known
 */
record RawArguments(List<byte[]> entries) {
    /** No raw bytes known: arguments are used as the JVM decoded them. */
    static final RawArguments NONE = new RawArguments(List.of());

    /** Linux limits the whole argument area to a fraction of the stack (execve(2), ARG_MAX): far below this. */
    private static final int MAX_CMDLINE_BYTES = 64 * 1024 * 1024;

    RawArguments {
        entries = List.copyOf(entries);
    }

    /** The platform's file-name charset, as the launcher and {@code java.nio.file} use it. */
    static Charset fileNameCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    /** The raw bytes of this process's program arguments {@code args}, or {@link #NONE}. */
    static RawArguments ofThisProcess(String[] args) {
        byte[] cmdline;
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/cmdline"))) {
            cmdline = in.readNBytes(MAX_CMDLINE_BYTES);
        } catch (IOException | UnsupportedOperationException e) {
            return NONE; // not Linux, or no /proc: the decoded arguments are all there is
        }
        return matching(cmdline, args, fileNameCharset());
    }

    /** The last {@code args.length} NUL-terminated entries of {@code cmdline} if they decode to {@code args}. */
    static RawArguments matching(byte[] cmdline, String[] args, Charset charset) {
        List<byte[]> all = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                all.add(Arrays.copyOfRange(cmdline, start, i));
                start = i + 1;
            }
        }
        if (all.size() < args.length) {
            return NONE;
        }
        List<byte[]> tail = all.subList(all.size() - args.length, all.size());
        for (int i = 0; i < args.length; i++) {
            if (!new String(tail.get(i), charset).equals(args[i])) {
                return NONE;
            }
        }
        return new RawArguments(tail);
    }

    /**
     * The raw bytes of the option value or parameter that decoded to {@code value}: a whole argument, or the part
     * after the first '=' of an {@code --option=value} argument. Empty if none matches, or if several do with
     * different bytes (two names that decode alike).
     */
    Optional<byte[]> rawOf(String value, Charset charset) {
        byte[] found = null;
        for (byte[] e : entries) {
            byte[] candidate = null;
            if (new String(e, charset).equals(value)) {
                candidate = e;
            } else if (e.length > 0 && e[0] == '-') {
                int eq = indexOf(e, (byte) '=');
                // '=' and '-' are the same single byte in every charset a Linux locale uses (ASCII-compatible).
                if (eq > 0 && new String(e, eq + 1, e.length - eq - 1, charset).equals(value)) {
                    candidate = Arrays.copyOfRange(e, eq + 1, e.length);
                }
            }
            if (candidate != null) {
                if (found != null && !Arrays.equals(found, candidate)) {
                    return Optional.empty();
                }
                found = candidate;
            }
        }
        return Optional.ofNullable(found);
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
