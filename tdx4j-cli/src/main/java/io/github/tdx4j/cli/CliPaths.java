package io.github.tdx4j.cli;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import picocli.CommandLine;

/**
 * File names from the command line, made into {@link Path}s from the bytes the user typed, and shown back in
 * messages as the user typed them.
 *
 * <p>A Linux file name is a byte string. {@code java.nio.file} keeps a path as bytes too, but builds it from a String
 * through the file-name charset, which cannot produce every byte string (a name that is not UTF-8 under a UTF-8
 * locale; {@code café.dat} without a locale). A {@code file:} URI carries any bytes percent-encoded (RFC 3986,
 * section 2.1, "Percent-Encoding"), and {@link Path#of(URI)} decodes them back to exactly those bytes, so a name whose
 * raw bytes are known ({@link RawArguments}) opens whatever the locale. A name whose bytes were lost gets one
 * sentence saying so.
 */
final class CliPaths {
    /** The working directory as an absolute path (proc(5), {@code /proc/[pid]/cwd}): the base of a relative raw name. */
    static final String CWD = "/proc/self/cwd/";

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private CliPaths() {
    }

    /** picocli's converter for every {@link Path} option and parameter. */
    static final class Converter implements CommandLine.ITypeConverter<Path> {
        private final RawArguments raw;
        private final Charset charset;

        Converter(RawArguments raw, Charset charset) {
            this.raw = raw;
            this.charset = charset;
        }

        @Override
        public Path convert(String value) {
            Optional<byte[]> bytes = raw.rawOf(value, charset);
            byte[] encoded = encoded(value, charset);
            if (bytes.isPresent() && !Arrays.equals(bytes.get(), encoded)) {
                return fromBytes(bytes.get());
            }
            // Without the raw bytes, U+FFFD is where the launcher could not decode a byte: the name is lost.
            if (encoded != null && (bytes.isPresent() || value.indexOf('\uFFFD') < 0)) {
                try {
                    return Path.of(value);
                } catch (InvalidPathException e) {
                    // a NUL character (not in argv, but possible in an @file): the sentence below
                }
            }
            // The bytes behind a U+FFFD are unknown; '?' marks where they were.
            throw new CommandLine.TypeConversionException("the file name " + escape(
                    value.replace('\uFFFD', '?').getBytes(StandardCharsets.UTF_8), displayCharset())
                    + " cannot be represented: it is not "
                    + "valid in this system's file-name encoding (" + charset.name() + ") and its original bytes are "
                    + "not available; use a UTF-8 locale (LC_ALL=C.UTF-8) or rename the file");
        }
    }

    /** {@code value} in {@code charset}, or null if it has a character the charset cannot encode. */
    private static byte[] encoded(String value, Charset charset) {
        CharsetEncoder enc = charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer b = enc.encode(CharBuffer.wrap(value));
            return Arrays.copyOfRange(b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** The path whose bytes are {@code raw}; a relative name is resolved against the working directory. */
    static Path fromBytes(byte[] raw) {
        StringBuilder uri = new StringBuilder("file://");
        if (raw.length == 0 || raw[0] != '/') {
            uri.append(CWD);
        }
        for (byte b : raw) {
            int c = b & 0xFF;
            if (c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || (c >= '0' && c <= '9')
                    || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
                uri.append((char) c);
            } else {
                uri.append('%').append(HEX.toHexDigits((byte) c));
            }
        }
        return Path.of(URI.create(uri.toString()));
    }

    /**
     * {@code path} for a message: as given when its String form names it faithfully; otherwise its bytes, valid
     * UTF-8 shown as text and every other byte as {@code \xNN}, without the working-directory prefix
     * {@link #fromBytes} added.
     */
    static String show(Path path) {
        String s = path.toString();
        if (s.indexOf('\uFFFD') < 0) {
            try {
                if (Path.of(s).equals(path)) { // a Unix path's equality compares its bytes
                    return s;
                }
            } catch (InvalidPathException e) {
                // not representable as a String: shown from its bytes below
            }
        }
        String rawPath = path.toAbsolutePath().toUri().getRawPath();
        byte[] bytes = percentDecoded(rawPath);
        int from = startsWith(bytes, CWD.getBytes(StandardCharsets.US_ASCII)) ? CWD.length() : 0;
        int to = bytes.length;
        if (to > from + 1 && bytes[to - 1] == '/' && !s.endsWith("/")) {
            to--; // toUri() marks a directory with a trailing '/'
        }
        return escape(Arrays.copyOfRange(bytes, from, to), displayCharset());
    }

    /** The charset of the process's stderr, where messages naming a file go. */
    private static Charset displayCharset() {
        return System.err.charset();
    }

    /**
     * {@code bytes} as text: each valid UTF-8 character that {@code display} can print as itself, every other byte
     * as {@code \xNN}.
     */
    static String escape(byte[] bytes, Charset display) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharsetEncoder printable = display.newEncoder();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer chars = CharBuffer.allocate(bytes.length + 1);
        StringBuilder out = new StringBuilder();
        while (in.hasRemaining()) {
            int before = in.position();
            CoderResult r = dec.decode(in, chars, true);
            chars.flip();
            int consumed = 0;
            while (chars.hasRemaining()) {
                int cp = Character.codePointAt(chars, 0);
                String ch = new String(Character.toChars(cp));
                int len = ch.getBytes(StandardCharsets.UTF_8).length;
                if (printable.canEncode(ch) && cp != 0xFFFD) {
                    out.append(ch);
                } else {
                    appendEscaped(out, bytes, before + consumed, len);
                }
                consumed += len;
                chars.position(chars.position() + ch.length());
            }
            chars.clear();
            if (r.isError()) {
                appendEscaped(out, bytes, in.position(), r.length());
                in.position(in.position() + r.length());
            }
        }
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            out.append("\\x").append(HEX.toHexDigits(bytes[i]));
        }
    }

    private static byte[] percentDecoded(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                out.write(HexFormat.fromHexDigits(s, i + 1, i + 3));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
    }
}
