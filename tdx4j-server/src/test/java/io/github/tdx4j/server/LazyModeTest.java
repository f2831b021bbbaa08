package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.PcsResponses;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * LAZY fill mode ({@code --pccs URL}) against an upstream PCCS on loopback, on a fake clock and a scheduler the test
 * runs: TDX and SGX items fetched on a miss, refreshed ahead of nextUpdate, and a failing upstream handled. The
 * collateral is dcap-qvl's (vectors/dcap-qvl): TDX with the platform CA's PCK CRL, SGX with the processor CA's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LazyModeTest {
    /** Inside every item's validity: the TCB infos and QE identities run to 2025-07-19, the root CA CRL to 2026. */
    static final Instant T0 = Instant.parse("2025-07-01T00:00:00Z");
    static final String TDX_FMSPC = "B0C06F000000";
    static final String TDX_TCB = "/tdx/certification/v4/tcb";
    /** The nextUpdate of the TDX TCB info in vectors/dcap-qvl/tdx_quote_collateral.json. */
    static final Instant TDX_TCB_NEXT_UPDATE = Instant.parse("2025-07-19T10:16:03Z");

    Collateral tdx;
    Collateral sgx;
    FakeUpstreamPcs upstream;
    MutableClock clock;
    ManualScheduler scheduler;
    List<String> warnings;
    TdxServer server;

    @BeforeEach
    void start(@TempDir Path cache) throws Exception {
        tdx = QuoteCollateralV3.parse(Vectors.bytes("dcap-qvl/tdx_quote_collateral.json"));
        sgx = QuoteCollateralV3.parse(Vectors.bytes("dcap-qvl/sgx_quote_collateral.json"));
        upstream = new FakeUpstreamPcs(tdx, sgx);
        clock = new MutableClock(T0);
        scheduler = new ManualScheduler();
        warnings = new CopyOnWriteArrayList<>();
        ServerConfig config = ServerConfig.defaults(new ServerConfig.CollateralMode.Lazy(upstream.base(), true,
                Optional.of(cache))).withClock(clock);
        server = TdxServer.start(config, () -> scheduler, warnings::add);
    }

    @AfterEach
    void stop() {
        server.stop();
        upstream.close();
    }

    @Test
    @DisplayName("An SGX quote verifies from SGX collateral fetched on the miss (SGX TCB info and QE identity, the "
            + "processor CA's PCK CRL, the root CA CRL); the second quote is served from memory")
    void sgxQuoteFromLazyFill() {
        HttpResponse<byte[]> r = Http.post(server.baseUri() + "/verify", "application/octet-stream",
                Vectors.bytes("dcap-qvl/sgx_quote"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode j = Http.json(r);
        assertThat(j.get("status").asText()).isEqualTo("ConfigurationAndSWHardeningNeeded");
        assertThat(upstream.requests).containsExactlyInAnyOrder(
                "/sgx/certification/v4/tcb?fmspc=00A067110000",
                "/sgx/certification/v4/qe/identity",
                "/sgx/certification/v4/pckcrl?ca=processor&encoding=der",
                "/sgx/certification/v4/rootcacrl");
        Http.post(server.baseUri() + "/verify", "application/octet-stream", Vectors.bytes("dcap-qvl/sgx_quote"));
        assertThat(upstream.requests).hasSize(4);
        assertThat(metric("tdx4j_collateral_cache_total{outcome=\"hit\"}")).isEqualTo(1.0);
        assertThat(metric("tdx4j_collateral_cache_total{outcome=\"miss\"}")).isEqualTo(1.0);
    }

    @Test
    @DisplayName("A TDX quote verifies from TDX collateral fetched on the miss, with the platform CA's PCK CRL")
    void tdxQuoteFromLazyFill() {
        JsonNode j = Http.json(Http.post(server.baseUri() + "/verify", "application/octet-stream",
                Vectors.bytes("dcap-qvl/tdx_quote")));
        assertThat(j.get("status").asText()).isEqualTo("UpToDate");
        assertThat(upstream.requests).contains("/tdx/certification/v4/tcb?fmspc=" + TDX_FMSPC,
                "/tdx/certification/v4/qe/identity", "/sgx/certification/v4/pckcrl?ca=platform&encoding=der");
    }

    @Test
    @DisplayName("Before any platform was seen, the PCCS routes fetch each item on its miss: the PCK CRL of both CAs, "
            + "both QE identities, SGX TCB info, the root CA CRL")
    void pccsRoutesFetchEachItem() {
        HttpResponse<byte[]> processor = Http.get(server.baseUri() + "/sgx/certification/v4/pckcrl?ca=processor&encoding=der");
        assertThat(processor.statusCode()).isEqualTo(200);
        assertThat(processor.body()).isEqualTo(sgx.pckCrl());
        assertThat(URLDecoder.decode(processor.headers().firstValue("SGX-PCK-CRL-Issuer-Chain").orElseThrow(),
                StandardCharsets.UTF_8)).isEqualTo(sgx.pckCrlIssuerChain());
        assertThat(Http.get(server.baseUri() + "/sgx/certification/v4/pckcrl?ca=platform&encoding=der").body())
                .isEqualTo(tdx.pckCrl());
        assertThat(PcsResponses.qeIdentity(Http.get(server.baseUri() + "/sgx/certification/v4/qe/identity").body())
                .text()).isEqualTo(sgx.qeIdentity());
        assertThat(PcsResponses.qeIdentity(Http.get(server.baseUri() + "/tdx/certification/v4/qe/identity").body())
                .text()).isEqualTo(tdx.qeIdentity());
        assertThat(PcsResponses.tcbInfo(Http.get(server.baseUri()
                + "/sgx/certification/v4/tcb?fmspc=00a067110000").body()).text()).isEqualTo(sgx.tcbInfo());
        assertThat(new String(Http.get(server.baseUri() + "/sgx/certification/v4/rootcacrl").body(),
                StandardCharsets.US_ASCII)).isEqualTo(HexFormat.of().formatHex(tdx.rootCaCrl()));
    }

    @Test
    @DisplayName("A held item is refreshed from upstream ahead of its nextUpdate (daily), even while the disk cache's "
            + "copy is fresh, and the new copy is served")
    void refreshAheadOfNextUpdate() {
        assertThat(tcbText()).isEqualTo(tdx.tcbInfo());
        // nextUpdate is 18 days away, so the daily round comes first.
        assertThat(scheduler.planned()).containsExactly(T0.plus(Duration.ofDays(1)));
        String v2 = tdx.tcbInfo().replace("\"nextUpdate\":\"2025-07-19T10:16:03Z\"",
                "\"nextUpdate\":\"2025-08-19T10:16:03Z\"");
        assertThat(v2).isNotEqualTo(tdx.tcbInfo());
        upstream.tcbInfo("tdx", v2, tdx.tcbInfoSignature(), tdx.tcbInfoIssuerChain());
        assertThat(tcbText()).isEqualTo(tdx.tcbInfo()); // held: not asked again before the round
        assertThat(upstream.count(TDX_TCB)).isEqualTo(1);

        clock.set(T0.plus(Duration.ofDays(1)));
        assertThat(scheduler.runDue(clock.instant())).isEqualTo(1);
        assertThat(upstream.count(TDX_TCB)).isEqualTo(2);
        assertThat(tcbText()).isEqualTo(v2);
        assertThat(scheduler.planned()).containsExactly(T0.plus(Duration.ofDays(2)));
        assertThat(metric("tdx4j_collateral_refresh_total{item=\"tcb_info\",outcome=\"refreshed\"}")).isEqualTo(1.0);
        assertThat(warnings).isEmpty();
    }

    @Test
    @DisplayName("A failed refresh keeps serving the still-valid copy, retries 4 times with doubling backoff, then "
            + "waits for the next round, and says so in /metrics and the log; a later success clears it")
    void failedRefreshKeepsServing() {
        assertThat(tcbText()).isEqualTo(tdx.tcbInfo());
        upstream.fail(TDX_TCB, 503);
        Instant round = T0.plus(Duration.ofDays(1));
        clock.set(round);
        scheduler.runDue(round);
        assertThat(tcbText()).isEqualTo(tdx.tcbInfo());
        assertThat(metric("tdx4j_collateral_refresh_failing")).isEqualTo(1.0);
        assertThat(metric("tdx4j_collateral_refresh_total{item=\"tcb_info\",outcome=\"failed\"}")).isEqualTo(1.0);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst()).contains("TDX TCB info for FMSPC " + TDX_FMSPC).contains("HTTP 503")
                .contains("still serving the copy valid until " + TDX_TCB_NEXT_UPDATE).contains("retry 1 of 4");

        Instant at = round;
        for (Duration backoff : List.of(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
                Duration.ofSeconds(240))) {
            at = at.plus(backoff);
            assertThat(scheduler.planned()).containsExactly(at);
            clock.set(at);
            scheduler.runDue(at);
        }
        assertThat(upstream.count(TDX_TCB)).isEqualTo(1 + 1 + 4);
        Instant nextRound = at.plus(Duration.ofDays(1));
        assertThat(scheduler.planned()).containsExactly(nextRound); // retries spent: one plan left, the next round
        assertThat(warnings).hasSize(5);
        assertThat(warnings.getLast()).contains("next attempt at " + nextRound);
        assertThat(tcbText()).isEqualTo(tdx.tcbInfo());

        upstream.heal(TDX_TCB);
        clock.set(nextRound);
        scheduler.runDue(nextRound);
        assertThat(metric("tdx4j_collateral_refresh_failing")).isEqualTo(0.0);
        assertThat(warnings.getLast()).contains("succeeded again");
    }

    @Test
    @DisplayName("A copy past its nextUpdate is never served: with upstream failing the route answers 502 naming the item")
    void expiredCopyNotServed() {
        assertThat(tcbText()).isEqualTo(tdx.tcbInfo());
        upstream.fail(TDX_TCB, 503);
        clock.set(TDX_TCB_NEXT_UPDATE);
        HttpResponse<byte[]> r = Http.get(server.baseUri() + TDX_TCB + "?fmspc=" + TDX_FMSPC);
        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode j = Http.json(r);
        assertThat(j.get("error").asText()).isEqualTo("UPSTREAM");
        assertThat(j.get("detail").asText()).contains("TDX TCB info for FMSPC " + TDX_FMSPC).contains("HTTP 503");
    }

    @Test
    @DisplayName("Refresh failures of many items write at most 10 warning lines a minute")
    void warningsRateLimited() {
        for (int i = 0; i < 6; i++) {
            String fmspc = String.format("%012X", i);
            assertThat(Http.get(server.baseUri() + TDX_TCB + "?fmspc=" + fmspc).statusCode()).isEqualTo(200);
            assertThat(Http.get(server.baseUri() + "/sgx/certification/v4/tcb?fmspc=" + fmspc).statusCode())
                    .isEqualTo(200);
        }
        upstream.fail(TDX_TCB, 500);
        upstream.fail("/sgx/certification/v4/tcb", 500);
        Instant round = T0.plus(Duration.ofDays(1));
        clock.set(round);
        assertThat(scheduler.runDue(round)).isEqualTo(12);
        assertThat(warnings).hasSize(TdxServer.MAX_WARNINGS_PER_MINUTE);
        clock.set(round.plus(Duration.ofSeconds(30)));
        scheduler.runDue(clock.instant());
        assertThat(warnings).hasSize(TdxServer.MAX_WARNINGS_PER_MINUTE); // same minute
        clock.set(round.plus(Duration.ofSeconds(90)));
        scheduler.runDue(clock.instant()); // a new minute: its first line says how many were left out
        assertThat(warnings).hasSize(2 * TdxServer.MAX_WARNINGS_PER_MINUTE);
        assertThat(warnings.get(TdxServer.MAX_WARNINGS_PER_MINUTE))
                .endsWith("(14 earlier warnings left out by the rate limit)");
    }

    private String tcbText() {
        HttpResponse<byte[]> r = Http.get(server.baseUri() + TDX_TCB + "?fmspc=" + TDX_FMSPC);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return PcsResponses.tcbInfo(r.body()).text();
    }

    private double metric(String series) {
        String text = new String(Http.get(server.baseUri() + "/metrics").body(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as(series + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
