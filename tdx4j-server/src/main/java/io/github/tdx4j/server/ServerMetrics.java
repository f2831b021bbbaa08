package io.github.tdx4j.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The server's Prometheus metrics (Prometheus text exposition format 0.0.4, written by the Prometheus Java client):
 * requests by route and status, verifications by result, collateral cache hits and misses, LAZY mode's collateral
 * refreshes and the items whose refresh is failing, and a histogram of verification latency. Label values come from closed sets (route patterns, status codes, TCB statuses, error
 * codes), so the number of series is bounded.
 */
final class ServerMetrics {
    /** Upper bounds of the latency histogram, seconds: 100 µs to 10 s. */
    private static final double[] LATENCY_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("tdx4j_http_requests_total")
            .help("HTTP requests answered, by route pattern and status code").labelNames("route", "status")
            .register(registry);
    private final Counter verifications = Counter.builder().name("tdx4j_verifications_total")
            .help("Quote verifications, by result: a TCB status when the quote verified, else the error code")
            .labelNames("result").register(registry);
    private final Counter collateral = Counter.builder().name("tdx4j_collateral_cache_total")
            .help("Collateral look-ups, by outcome: hit (in memory), miss (fetched upstream), absent (none)")
            .labelNames("outcome").register(registry);
    private final Counter refreshes = Counter.builder().name("tdx4j_collateral_refresh_total")
            .help("LAZY mode's refreshes of held collateral ahead of its nextUpdate, by item (tcb_info, qe_identity, "
                    + "pck_crl, root_ca_crl) and outcome (refreshed, failed)")
            .labelNames("item", "outcome").register(registry);
    private final Gauge refreshFailing = Gauge.builder().name("tdx4j_collateral_refresh_failing")
            .help("Collateral items whose last refresh failed: the copy held is served until its nextUpdate")
            .register(registry);
    private final Histogram latency = Histogram.builder().name("tdx4j_verification_seconds")
            .help("Time to verify one quote with its collateral, including the collateral look-up")
            .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    void request(String route, int status) {
        requests.labelValues(route, Integer.toString(status)).inc();
    }

    void verification(String result, long nanos) {
        verifications.labelValues(result).inc();
        latency.observe(nanos / 1e9);
    }

    void collateral(String outcome) {
        collateral.labelValues(outcome).inc();
    }

    void refresh(String item, String outcome) {
        refreshes.labelValues(item, outcome).inc();
    }

    /** {@code delta} is +1 when an item's refresh starts failing, -1 when it stops (refreshed, or dropped). */
    void refreshFailing(int delta) {
        refreshFailing.inc(delta);
    }

    /** The exposition text. */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does no I/O
        }
        return out.toByteArray();
    }

    /** The Content-Type of {@link #scrape()}. */
    String contentType() {
        return writer.getContentType();
    }
}
