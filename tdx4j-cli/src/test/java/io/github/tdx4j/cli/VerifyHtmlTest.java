package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdx4j verify --html}: what the page says, and that no input becomes markup. */
class VerifyHtmlTest {
    private static final Path DATA = TestVectors.DIR;
    private static final String QUOTE = DATA.resolve("dcap-qvl/tdx_quote").toString();
    private static final Path COLLATERAL = DATA.resolve("dcap-qvl/tdx_quote_collateral.json");
    static final String HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";

    /** A page whose every string field is {@link #HOSTILE}. */
    static VerifyPage hostileModel() {
        Instant at = Instant.parse("2025-07-01T00:00:00Z");
        return new VerifyPage(at, List.of(new VerifyPage.Row(HOSTILE, HOSTILE)),
                List.of(new VerifyPage.Cert(HOSTILE, HOSTILE, HOSTILE, at.minusSeconds(86400), at.plusSeconds(86400))),
                List.of(new VerifyPage.Window(HOSTILE, at.minusSeconds(86400), at.plusSeconds(86400))),
                Optional.of(new VerifyPage.TcbMatch(HOSTILE, List.of(new VerifyPage.Level(at, HOSTILE, List.of(HOSTILE),
                        Optional.of(HOSTILE), Optional.empty())), -1)),
                List.of(new VerifyPage.PolicyCheck(HOSTILE, false, HOSTILE)), new VerifyPage.Verdict(false, HOSTILE, HOSTILE));
    }

    @Test
    @DisplayName("A model whose every string is <script>/<img onerror> renders no tag of its own: only escaped text")
    void hostileModelIsEscaped() {
        String page = VerifyHtml.render(hostileModel());
        assertThat(page).doesNotContain("<script").doesNotContain("<img");
        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;");
    }

    @Test
    @DisplayName("--html on dcap-qvl/tdx_quote at 2025-07-01: verdict UpToDate, 3 chain certificates, level 1 selected, time line marked")
    void verifiedPage(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("v.html");
        CliRun r = CliRun.of("verify", QUOTE, "--collateral", COLLATERAL.toString(), "--at", "2025-07-01T00:00:00Z",
                "--html", html.toString());
        assertThat(r.exitCode()).isZero();
        String page = Files.readString(html);
        assertThat(page).contains("verified, TCB status UpToDate");
        assertThat(page.split("<tr class=\"cert\">", -1)).hasSize(4);
        assertThat(page).contains("<tr class=\"level matched\"><td>1</td><td>2024-03-13T00:00:00Z</td><td>UpToDate</td>");
        assertThat(page).contains("id=\"now\"").contains("TDX TCB info").contains("TD_QE identity").contains("PCK CRL");
        assertThat(page).doesNotContain("http://").doesNotContain("https://").doesNotContain("src=");
    }

    @Test
    @DisplayName("An expired TCB info (at 2025-08-01) is drawn as a window the time line does not cross")
    void expiredWindow(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("v.html");
        CliRun.of("verify", QUOTE, "--collateral", COLLATERAL.toString(), "--at", "2025-08-01T00:00:00Z",
                "--html", html.toString());
        String page = Files.readString(html);
        assertThat(page).containsPattern("class=\"window invalid\"[^>]*><title>TDX TCB info: ");
        assertThat(page).containsPattern("class=\"window valid\"[^>]*><title>root CA certificate: ");
    }

    @Test
    @DisplayName("A collateral TCB info with <script> in an advisory ID (signature now wrong): exit 2, the page shows it as text")
    void hostileCollateral(@TempDir Path dir) throws Exception {
        String json = Files.readString(COLLATERAL, StandardCharsets.UTF_8);
        String hostile = json.replaceFirst("\\\\\"advisoryIDs\\\\\":\\[",
                "\\\\\"advisoryIDs\\\\\":[\\\\\"<script>alert(1)</script>\\\\\",");
        assertThat(hostile).isNotEqualTo(json);
        Path collateral = dir.resolve("hostile.json");
        Files.writeString(collateral, hostile);
        Path html = dir.resolve("v.html");
        CliRun r = CliRun.of("verify", QUOTE, "--collateral", collateral.toString(), "--at", "2025-07-01T00:00:00Z",
                "--html", html.toString());
        assertThat(r.exitCode()).isEqualTo(Main.CHECK_FAILED);
        String page = Files.readString(html);
        assertThat(page).contains("NOT verified").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script");
    }

    @Test
    @DisplayName("--html into a directory: exit 1 with one sentence naming the file")
    void unwritable(@TempDir Path dir) {
        CliRun r = CliRun.of("verify", QUOTE, "--collateral", COLLATERAL.toString(), "--at", "1751328000",
                "--html", dir.toString());
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).startsWith("tdx4j verify: cannot write ").contains("(it is a directory)").endsWith(".\n");
    }
}
