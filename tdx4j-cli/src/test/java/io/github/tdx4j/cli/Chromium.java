package io.github.tdx4j.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium from Debian's {@code chromium} package, run as a command: {@code --dump-dom} gives the DOM after
 * the page's scripts ran, and {@code --enable-logging=stderr} prints every console message (and every uncaught
 * script error) as a line with {@code :CONSOLE} in it, so no DevTools-protocol client is needed.
 */
final class Chromium {
    private static final long TIMEOUT_SECONDS = 45;
    private static final Pattern CONSOLE = Pattern.compile(".*:CONSOLE(?:\\(\\d+\\))?:?\\d*\\]? ?(.*)");

    /** What a page did when loaded. */
    record Load(String dom, List<String> console) {
        /** How many times {@code needle} occurs in the DOM. */
        int count(String needle) {
            int n = 0;
            for (int i = dom.indexOf(needle); i >= 0; i = dom.indexOf(needle, i + needle.length())) {
                n++;
            }
            return n;
        }
    }

    private final Path binary;

    private Chromium(Path binary) {
        this.binary = binary;
    }

    /** Chromium on PATH ({@code chromium} or {@code chromium-browser}), if installed. */
    static Optional<Chromium> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(new Chromium(p));
                }
            }
        }
        return Optional.empty();
    }

    /** Loads {@code page}, returning its DOM and console lines, and writes a screenshot to {@code screenshot}. */
    Load load(Path page, Path screenshot, int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("tdx4j-chromium");
        List<String> common = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile, "--enable-logging=stderr",
                "--v=0", "--hide-scrollbars", "--window-size=" + width + "," + height);
        String url = page.toAbsolutePath().toUri().toString();
        Result dump = run(concat(common, "--dump-dom", url));
        Result shot = run(concat(common, "--screenshot=" + screenshot.toAbsolutePath(), url));
        List<String> console = new ArrayList<>();
        for (String line : (dump.err + "\n" + shot.err).split("\n")) {
            Matcher m = CONSOLE.matcher(line);
            if (line.contains(":CONSOLE") && m.matches()) {
                console.add(m.group(1));
            }
        }
        return new Load(dump.out, console);
    }

    private record Result(String out, String err) { }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
        }
        return new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(List.of(b));
        return l;
    }
}
