package io.github.tdx4j.bench;

import io.github.tdx4j.server.ServerConfig;
import io.github.tdx4j.server.SimulatedQuotes;
import io.github.tdx4j.server.TdxServer;
import io.github.tdx4j.sim.SimSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback load generator for {@code POST /verify} of {@code tdx4j serve}, on the JDK HttpClient. Not a JMH
 * benchmark: a server is measured from outside, over HTTP.
 *
 * <ul>
 *   <li>{@code warm URL SECONDS CONCURRENCY QUOTES}: {@code QUOTES} distinct quotes of the simulated platform (distinct
 *       REPORTDATA), posted in turn by {@code CONCURRENCY} virtual-thread clients for {@code SECONDS} after as many
 *       seconds of warm-up (the server's collateral and PCK chain are then in its caches);</li>
 *   <li>{@code cold RUNS}: a new in-process server per run and its first verification (collateral and PCK chain
 *       checked from nothing: an unseen platform);</li>
 *   <li>{@code count URL REQUESTS CONCURRENCY}: exactly {@code REQUESTS} verifications (for the memory check).</li>
 * </ul>
 * Prints one JSON line: requests, errors, throughput, p50/p99/max latency in microseconds.
 * Run from the repository root: {@code java -cp tdx4j-bench/target/benchmarks.jar io.github.tdx4j.bench.ServerLoad ...}.
 */
public final class ServerLoad {
    private ServerLoad() {
    }

    /** Held so that the level stays (java.util.logging keeps loggers weakly): no Helidon banner per cold server. */
    private static final java.util.logging.Logger HELIDON_LOG = java.util.logging.Logger.getLogger("io.helidon");

    public static void main(String[] args) throws Exception {
        HELIDON_LOG.setLevel(java.util.logging.Level.WARNING);
        switch (args.length > 0 ? args[0] : "") {
            case "warm" -> warm(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "cold" -> cold(Integer.parseInt(args[1]));
            case "count" -> count(URI.create(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
            default -> {
                System.err.println("usage: ServerLoad warm URL SECONDS CONCURRENCY QUOTES | cold RUNS"
                        + " | count URL REQUESTS CONCURRENCY");
                System.exit(1);
            }
        }
    }

    private static byte[][] quotes(int n) {
        SimulatedQuotes sim = SimulatedQuotes.defaultPlatform(4);
        byte[][] q = new byte[n][];
        for (int i = 0; i < n; i++) {
            q[i] = sim.quote(i);
        }
        return q;
    }

    private static HttpRequest request(URI verify, byte[] quote) {
        return HttpRequest.newBuilder(verify).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(quote))
                .build();
    }

    /** One verification; true when the server answered 200 with status UpToDate. */
    private static boolean verifyOnce(HttpClient client, URI verify, byte[] quote) {
        try {
            HttpResponse<String> r = client.send(request(verify, quote), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"status\":\"UpToDate\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Run(long requests, long errors, long[] micros, double seconds) {
    }

    private static Run drive(URI base, byte[][] quotes, int concurrency, long deadlineNanos, long maxRequests) {
        URI verify = base.resolve("/verify");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[][] perWorker = new long[concurrency][];
        AtomicInteger workerIds = new AtomicInteger();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                pool.submit(() -> {
                    int id = workerIds.getAndIncrement();
                    long[] lat = new long[1 << 16];
                    int n = 0;
                    long i;
                    while (System.nanoTime() < deadlineNanos && (i = next.getAndIncrement()) < maxRequests) {
                        long s = System.nanoTime();
                        if (!verifyOnce(client, verify, quotes[(int) (i % quotes.length)])) {
                            errors.incrementAndGet();
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = (System.nanoTime() - s) / 1000;
                    }
                    perWorker[id] = Arrays.copyOf(lat, n);
                });
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] all = Arrays.stream(perWorker).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Run(all.length, errors.get(), all, seconds);
    }

    private static void print(String mode, Run r, int concurrency) {
        long[] m = r.micros();
        System.out.printf("{\"mode\":\"%s\",\"concurrency\":%d,\"requests\":%d,\"errors\":%d,\"seconds\":%.1f,"
                        + "\"perSecond\":%.0f,\"p50Micros\":%d,\"p99Micros\":%d,\"maxMicros\":%d}%n", mode, concurrency,
                r.requests(), r.errors(), r.seconds(), r.requests() / r.seconds(), pct(m, 0.50), pct(m, 0.99),
                m.length == 0 ? 0 : m[m.length - 1]);
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void warm(URI base, int seconds, int concurrency, int distinct) {
        byte[][] q = quotes(distinct);
        drive(base, q, concurrency, System.nanoTime() + seconds * 1_000_000_000L, Long.MAX_VALUE); // warm-up
        print("warm", drive(base, q, concurrency, System.nanoTime() + seconds * 1_000_000_000L, Long.MAX_VALUE),
                concurrency);
    }

    private static void count(URI base, long requests, int concurrency) {
        byte[][] q = quotes(1000);
        print("count", drive(base, q, concurrency, Long.MAX_VALUE, requests), concurrency);
    }

    private static void cold(int runs) {
        byte[][] q = quotes(runs);
        HttpClient client = HttpClient.newHttpClient();
        long[] micros = new long[runs];
        long errors = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            try (TdxServer server = TdxServer.start(ServerConfig.defaults(
                    new ServerConfig.CollateralMode.Simulated(SimSettings.DEFAULT_SEED)))) {
                URI verify = URI.create(server.baseUri() + "/verify");
                long s = System.nanoTime();
                if (!verifyOnce(client, verify, q[i])) {
                    errors++;
                }
                micros[i] = (System.nanoTime() - s) / 1000;
            }
        }
        Arrays.sort(micros);
        print("cold", new Run(runs, errors, micros, (System.nanoTime() - t0) / 1e9), 1);
    }
}
