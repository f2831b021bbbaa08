package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.sim.qgs.SimulatedQgsServer;
import io.github.tdx4j.sim.quote.QuoteGenerationException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, does not judge: quote latency over the simulated QGS socket against the simulated configfs-tsm path
 * (the fake kernel tree), both producing the same simulated quoting enclave's signed quote. Opt-in
 * ({@code -Dtdx4j.latency=true}); it prints the medians and asserts only that the quotes are right. The fake
 * configfs-tsm has the quote ready at once, where a real kernel polls the host once a second
 * (drivers/virt/coco/tdx-guest/tdx-guest.c, {@code wait_for_quote_completion}), so a real configfs-tsm quote costs at
 * least one second more than measured here.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class QuoteLatencyReport {
    private static final int WARMUP = 200;
    private static final int RUNS = 300;

    @TempDir
    Path tmp;

    @Test
    @DisplayName("quote latency: simulated QGS over a UNIX socket vs the simulated configfs-tsm path (report only)")
    void measure() throws Exception {
        boolean enabled = Boolean.getBoolean("tdx4j.latency");
        if (!enabled) {
            System.out.println("QuoteLatencyReport: skipped; run with -Dtdx4j.latency=true to measure");
        }
        Assumptions.assumeTrue(enabled, "opt-in measurement");
        FakeTdxGuest td = FakeTdxGuest.tdGuest(tmp.resolve("root"));
        td.quoteFor = data -> {
            try {
                return SimulatedQgs.QUOTING.getQuote(SimulatedQgs.report(data));
            } catch (QuoteGenerationException e) {
                throw new IllegalStateException(e);
            }
        };
        FakeTdxGuest.FakeTime time = new FakeTdxGuest.FakeTime();
        LinuxTdAttestation configfs = new LinuxTdAttestation(td, Backoff.NONE, time, time, "latency");
        try (SimulatedQgsServer server = SimulatedQgs.start(tmp)) {
            LinuxTdAttestation qgs = new LinuxTdAttestation(td, Backoff.NONE, time, time, "latency",
                    QgsRoute.resolve(new QgsEndpoint.UnixSocket(server.socketPath()), tmp.resolve("none"),
                            QgsClient.Options.DEFAULT));
            long[] viaQgs = time(qgs, "QGS");
            long[] viaConfigfs = time(configfs, "configfs-tsm");
            System.out.printf("QuoteLatencyReport: %d quotes each after %d warm-up; simulated QGS over a UNIX socket "
                            + "median %d µs, p90 %d µs; simulated configfs-tsm median %d µs, p90 %d µs "
                            + "(a real kernel adds its >= 1 s poll to configfs-tsm)%n", RUNS, WARMUP,
                    viaQgs[0], viaQgs[1], viaConfigfs[0], viaConfigfs[1]);
        }
    }

    private static long[] time(LinuxTdAttestation att, String expectedSource) throws Exception {
        byte[] data = new byte[64];
        for (int i = 0; i < WARMUP; i++) {
            data[0] = (byte) i;
            att.quote(data);
        }
        long[] nanos = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            data[1] = (byte) i;
            long t0 = System.nanoTime();
            byte[] quote = att.quote(data);
            nanos[i] = System.nanoTime() - t0;
            assertThat(Quote.decode(quote).body().reportData()).isEqualTo(data);
        }
        assertThat(att.lastQuoteSource()).startsWith(expectedSource);
        Arrays.sort(nanos);
        return new long[] {nanos[RUNS / 2] / 1000, nanos[(int) (RUNS * 0.9)] / 1000};
    }
}
