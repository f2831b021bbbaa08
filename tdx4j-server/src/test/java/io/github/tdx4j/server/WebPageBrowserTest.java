package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdx4j.sim.SimSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page at {@code /} in a real browser: headless Chromium (Debian's {@code chromium}; {@code .ci/run} installs
 * it) loads the page with a quote in the link, the page verifies it through {@code /verify}, and the rendered DOM
 * holds the verdict and the decoded fields. Screenshots are kept under {@code target/web-page/}. Skips with one line
 * when no Chromium is installed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WebPageBrowserTest {
    static Optional<String> chromium;
    static final Path SHOTS = Path.of("target", "web-page");

    @TempDir
    Path profile;

    @BeforeAll
    static void findChromium() throws Exception {
        chromium = List.of("chromium", "chromium-browser", "google-chrome").stream()
                .filter(WebPageBrowserTest::onPath).findFirst();
        if (chromium.isEmpty()) {
            System.out.println("WebPageBrowserTest skipped: no chromium on PATH (apt-get install chromium)");
        }
        assumeTrue(chromium.isPresent(), "no chromium on PATH");
        Files.createDirectories(SHOTS);
    }

    static boolean onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /** Runs headless Chromium on {@code url}: the DOM after the page's scripts ran, and a screenshot. */
    String browse(String url, Path screenshot) throws Exception {
        List<String> common = List.of(chromium.get(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=15000",
                "--window-size=1280,2400");
        List<String> dump = new ArrayList<>(common);
        dump.addAll(List.of("--dump-dom", url));
        String dom = run(dump);
        List<String> shot = new ArrayList<>(common);
        shot.addAll(List.of("--screenshot=" + screenshot.toAbsolutePath(), url));
        run(shot);
        assertThat(screenshot).exists();
        return dom;
    }

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    static String link(String base, byte[] quote, String collateralJson) {
        String url = base + "/#quote=" + HexFormat.of().formatHex(quote);
        return collateralJson == null ? url
                : url + "&collateral=" + URLEncoder.encode(collateralJson, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("The simulated quote on a --simulated server renders UpToDate (affirming), its decoded fields and a token")
    void simulatedQuote() throws Exception {
        SimulatedQuotes quotes = SimulatedQuotes.defaultPlatform(4);
        try (TdxServer server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)))) {
            String dom = browse(link(server.baseUri(), quotes.quote(1), null), SHOTS.resolve("simulated.png"));
            assertThat(dom).contains("UpToDate (affirming)").contains("class=\"verdict affirming\"")
                    .contains("Policy accepted").contains("mrTd").contains("tdx4j Simulated SGX Root CA")
                    .contains("eyJ"); // the token, a JWS
        }
    }

    @Test
    @DisplayName("The shared vectors with their collateral pasted render the verdicts vectors/README.md records")
    void sharedVectors() throws Exception {
        Instant july2025 = Instant.ofEpochSecond(1751328000);
        try (TdxServer server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Offline(
                Vectors.path("dcap-qvl/tdx_quote_collateral.json"))).withClock(Clock.fixed(july2025, ZoneOffset.UTC)))) {
            String dom = browse(link(server.baseUri(), Vectors.bytes("dcap-qvl/tdx_quote"),
                    Files.readString(Vectors.path("dcap-qvl/tdx_quote_collateral.json"))), SHOTS.resolve("tdx_quote.png"));
            assertThat(dom).contains("UpToDate (affirming)").contains("b0c06f000000");
        }
        Instant march2026 = Instant.ofEpochSecond(1772323200);
        String collateral = Files.readString(Vectors.path("dcap-qvl/tdx_quote_outdated_collateral.json"));
        try (TdxServer server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Offline(
                Vectors.path("dcap-qvl/tdx_quote_outdated_collateral.json")))
                .withClock(Clock.fixed(march2026, ZoneOffset.UTC)))) {
            String v5 = browse(link(server.baseUri(), Vectors.bytes("go-tdx-guest/quote_v5_sample.dat"), collateral),
                    SHOTS.resolve("quote_v5_sample.png"));
            assertThat(v5).contains("UpToDate (affirming)").contains("teeTcbSvn2");
            String noLevel = browse(link(server.baseUri(), Vectors.bytes("dcap-qvl/tdx_quote_outdated"), collateral),
                    SHOTS.resolve("tdx_quote_outdated.png"));
            assertThat(noLevel).contains("TCB_NOT_SUPPORTED (contraindicated)");
        }
    }

    @Test
    @DisplayName("A quote that is not hex or base64 shows the server's error sentence")
    void badQuote() throws Exception {
        try (TdxServer server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)))) {
            String dom = browse(server.baseUri() + "/#quote=" + URLEncoder.encode("not a quote!", StandardCharsets.UTF_8),
                    SHOTS.resolve("bad-quote.png"));
            assertThat(dom).contains("BAD_QUOTE_ENCODING: the quote is neither hex nor base64");
        }
    }
}
