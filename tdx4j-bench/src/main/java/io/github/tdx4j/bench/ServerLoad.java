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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loopback load generator for {@code tdx4j serve}, on the JDK HttpClient. Not a JMH benchmark: a server is measured
 * from outside, over HTTP. Prints one JSON line per result (latencies in microseconds).
 *
 * <ul>
 *   <li>{@code warm URL SECONDS CONCURRENCY QUOTES [PATH]}: {@code QUOTES} distinct quotes of the simulated platform
 *       (distinct REPORTDATA) posted in turn to {@code PATH} (default {@code /verify}) by {@code CONCURRENCY}
 *       virtual-thread clients for {@code SECONDS}, after a warm-up of 20,000 requests or 3 x {@code SECONDS},
 *       whichever ends first (the server's collateral and PCK chain are then in its caches, and its code compiled);
 *       with {@code SERVER_PID}, also the server's and the generator's CPU time per request;</li>
 *   <li>{@code cold RUNS}: a new in-process server per run and its first verification (collateral and PCK chain
 *       checked from nothing: an unseen platform);</li>
 *   <li>{@code count URL REQUESTS CONCURRENCY}: exactly {@code REQUESTS} verifications;</li>
 *   <li>{@code quotes DIR N}: writes the first {@code N} quotes of {@code warm} to {@code DIR/q0000.bin}, ... for a
 *       load generator in another language ({@code wrk-verify.lua} beside {@code serve-load.sh});</li>
 *   <li>{@code memory URL REQUESTS CONCURRENCY SAMPLES SERVER_PID MAX_SECONDS}: {@code REQUESTS} requests of a mix
 *       (per ten: seven binary {@code POST /verify}, one {@code POST /verify?token=false}, one JSON
 *       {@code POST /verify} with a nonce, one PCCS route in turn: TCB info, QE identity, PCK CRL, root CA CRL), with
 *       quotes from a pool of 10,000 distinct ones; after a warm-up of 10,000 requests, and then {@code SAMPLES}
 *       times evenly, the server's resident set ({@code VmRSS}) and its live heap (bytes left after the full GC of
 *       {@code jcmd PID GC.class_histogram}) are sampled. Stops early at {@code MAX_SECONDS}.</li>
 * </ul>
 * Run from the repository root: {@code java -cp tdx4j-bench/target/benchmarks.jar io.github.tdx4j.bench.ServerLoad ...}.
 */
public final class ServerLoad {
    private ServerLoad() {
    }

    /** Held so that the level stays (java.util.logging keeps loggers weakly): no Helidon banner per cold server. */
    private static final java.util.logging.Logger HELIDON_LOG = java.util.logging.Logger.getLogger("io.helidon");
    /** Requests of a warm-up, at most: enough for the JIT to compile the request path. */
    private static final long WARM_UP_REQUESTS = 20_000;
    /** Distinct quotes of the memory run's pool. */
    private static final int POOL = 10_000;

    public static void main(String[] args) throws Exception {
        HELIDON_LOG.setLevel(java.util.logging.Level.WARNING);
        switch (args.length > 0 ? args[0] : "") {
            case "warm" -> warm(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args.length > 5 ? args[5] : "/verify",
                    args.length > 6 ? Long.parseLong(args[6]) : -1);
            case "cold" -> cold(Integer.parseInt(args[1]));
            case "quotes" -> writeQuotes(Path.of(args[1]), Integer.parseInt(args[2]));
            case "count" -> count(URI.create(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
            case "memory" -> memory(URI.create(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Long.parseLong(args[5]), Long.parseLong(args[6]));
            default -> {
                System.err.println("usage: ServerLoad warm URL SECONDS CONCURRENCY QUOTES [PATH [SERVER_PID]] | cold RUNS"
                        + " | quotes DIR N"
                        + " | count URL REQUESTS CONCURRENCY"
                        + " | memory URL REQUESTS CONCURRENCY SAMPLES SERVER_PID MAX_SECONDS");
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

    private static void writeQuotes(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        byte[][] q = quotes(n);
        for (int i = 0; i < n; i++) {
            Files.write(dir.resolve(String.format("q%04d.bin", i)), q[i]);
        }
    }

    private static HttpRequest verifyRequest(URI verify, byte[] quote) {
        return HttpRequest.newBuilder(verify).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(quote))
                .build();
    }

    /** One request and the check of its answer. */
    private record Call(HttpRequest request, boolean verification) {
    }

    /** Sends {@code call}; true when the server answered 200 (and, for a verification, with status UpToDate). */
    private static boolean send(HttpClient client, Call call) {
        try {
            HttpResponse<String> r = client.send(call.request(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && (!call.verification() || r.body().contains("\"status\":\"UpToDate\""));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Run(long requests, long errors, long[] micros, double seconds) {
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /**
     * {@code concurrency} clients send {@code calls.apply(i)} for i = start, start+1, ... until the deadline or
     * {@code end}; {@code done} counts finished requests.
     */
    private static Run drive(HttpClient client, LongFunction<Call> calls, int concurrency, long deadlineNanos,
                             long start, long end, AtomicLong done) {
        AtomicLong next = new AtomicLong(start);
        AtomicLong errors = new AtomicLong();
        long[][] perWorker = new long[concurrency][];
        AtomicInteger workerIds = new AtomicInteger();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                pool.submit(() -> {
                    int id = workerIds.getAndIncrement();
                    long[] lat = new long[1 << 12];
                    int n = 0;
                    long i;
                    while (System.nanoTime() < deadlineNanos && (i = next.getAndIncrement()) < end) {
                        Call call = calls.apply(i);
                        long s = System.nanoTime();
                        if (!send(client, call)) {
                            errors.incrementAndGet();
                        }
                        long micros = (System.nanoTime() - s) / 1000;
                        done.incrementAndGet();
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = micros;
                    }
                    perWorker[id] = Arrays.copyOf(lat, n);
                });
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] all = Arrays.stream(perWorker).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Run(done.get(), errors.get(), all, seconds);
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

    private static void warm(URI base, int seconds, int concurrency, int distinct, String path, long serverPid) {
        byte[][] q = quotes(distinct);
        URI verify = base.resolve(path);
        HttpClient client = client();
        LongFunction<Call> calls = i -> new Call(verifyRequest(verify, q[(int) (i % q.length)]), true);
        // Warm-up: until the JIT has compiled the request path (20,000 requests) or 3 x SECONDS, whichever comes
        // first; JIT compilation is CPU time of the server too, so measuring earlier would count it per request.
        drive(client, calls, concurrency, System.nanoTime() + 3L * seconds * 1_000_000_000L, 0, WARM_UP_REQUESTS,
                new AtomicLong());
        long serverCpu0 = cpuMicros(serverPid);
        long clientCpu0 = cpuMicros(ProcessHandle.current().pid());
        Run run = drive(client, calls, concurrency, System.nanoTime() + seconds * 1_000_000_000L, 0, Long.MAX_VALUE,
                new AtomicLong());
        long serverCpu = cpuMicros(serverPid) - serverCpu0;
        long clientCpu = cpuMicros(ProcessHandle.current().pid()) - clientCpu0;
        print("warm " + path, run, concurrency);
        if (serverPid > 0 && run.requests() > 0) {
            // CPU time per request does not depend on how many other processes share the cores, unlike throughput:
            // one core of this machine serves at most 1e6 / serverCpuMicrosPerRequest requests a second.
            System.out.printf("{\"mode\":\"cpu %s\",\"requests\":%d,\"serverCpuMicrosPerRequest\":%d,"
                            + "\"generatorCpuMicrosPerRequest\":%d,\"serverRequestsPerCoreSecond\":%d}%n", path,
                    run.requests(), serverCpu / run.requests(), clientCpu / run.requests(),
                    serverCpu > 0 ? 1_000_000L * run.requests() / serverCpu : 0);
        }
    }

    /** User plus system CPU time of process {@code pid} (Linux {@code /proc/PID/stat}, in clock ticks of 10 ms). */
    private static long cpuMicros(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name in parentheses (which may hold spaces): utime is the 14th field of the
            // whole line, stime the 15th (proc(5)).
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static void count(URI base, long requests, int concurrency) {
        byte[][] q = quotes(1000);
        URI verify = base.resolve("/verify");
        print("count", drive(client(), i -> new Call(verifyRequest(verify, q[(int) (i % q.length)]), true),
                concurrency, Long.MAX_VALUE, 0, requests, new AtomicLong()), concurrency);
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
                if (!send(client, new Call(verifyRequest(verify, q[i]), true))) {
                    errors++;
                }
                micros[i] = (System.nanoTime() - s) / 1000;
            }
        }
        Arrays.sort(micros);
        print("cold", new Run(runs, errors, micros, (System.nanoTime() - t0) / 1e9), 1);
    }

    /** The memory run's request number {@code i}. */
    private static LongFunction<Call> mix(URI base, byte[][] pool) {
        String fmspc = "7D4500000000"; // the simulated platform's
        List<URI> pccs = List.of(base.resolve("/tdx/certification/v4/tcb?fmspc=" + fmspc),
                base.resolve("/tdx/certification/v4/qe/identity"),
                base.resolve("/sgx/certification/v4/pckcrl?ca=platform&encoding=der"),
                base.resolve("/sgx/certification/v4/rootcacrl"));
        URI verify = base.resolve("/verify");
        URI verifyNoToken = base.resolve("/verify?token=false");
        HexFormat hex = HexFormat.of();
        return i -> {
            byte[] quote = pool[(int) (i % pool.length)];
            return switch ((int) (i % 10)) {
                case 7 -> new Call(verifyRequest(verifyNoToken, quote), true);
                case 8 -> new Call(HttpRequest.newBuilder(verify).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"quote\":\"" + hex.formatHex(quote)
                                + "\",\"nonce\":\"n-" + i + "\"}", StandardCharsets.UTF_8)).build(), true);
                case 9 -> new Call(HttpRequest.newBuilder(pccs.get((int) ((i / 10) % pccs.size())))
                        .timeout(Duration.ofSeconds(30)).GET().build(), false);
                default -> new Call(verifyRequest(verify, quote), true);
            };
        };
    }

    private record Sample(long requests, double seconds, long rssKiB, long liveHeapKiB) {
        void print() {
            System.out.printf("{\"mode\":\"memory sample\",\"requests\":%d,\"seconds\":%.0f,\"rssKiB\":%d,"
                    + "\"liveHeapKiB\":%d}%n", requests, seconds, rssKiB, liveHeapKiB);
            System.out.flush();
        }
    }

    private static void memory(URI base, long requests, int concurrency, int samples, long pid, long maxSeconds)
            throws Exception {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        long g0 = System.nanoTime();
        byte[][] pool = quotes(POOL);
        System.err.printf("memory: %d distinct quotes made in %.1f s%n", POOL, (System.nanoTime() - g0) / 1e9);
        HttpClient client = client();
        LongFunction<Call> calls = mix(base, pool);
        drive(client, calls, concurrency, deadline, 0, POOL, new AtomicLong()); // warm-up: not measured
        List<Sample> taken = new ArrayList<>();
        long t0 = System.nanoTime();
        Sample first = sample(pid, 0, t0);
        first.print();
        taken.add(first);
        AtomicLong done = new AtomicLong();
        long every = Math.max(1, requests / samples);
        AtomicBoolean finished = new AtomicBoolean();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            long nextAt = every;
            while (nextAt < requests && !finished.get()) {
                if (done.get() >= nextAt) {
                    Sample s = sample(pid, done.get(), t0);
                    s.print();
                    synchronized (taken) {
                        taken.add(s);
                    }
                    nextAt += every;
                } else {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        Run run = drive(client, calls, concurrency, deadline, POOL, POOL + requests, done);
        finished.set(true); // a sample in progress completes: interrupting it would lose its jcmd answer
        sampler.join(TimeUnit.SECONDS.toMillis(200));
        Sample last = sample(pid, run.requests(), t0);
        last.print();
        List<Sample> all;
        synchronized (taken) {
            taken.add(last);
            all = List.copyOf(taken);
        }
        print("memory mix", run, concurrency);
        System.out.printf("{\"mode\":\"memory\",\"requests\":%d,\"errors\":%d,\"seconds\":%.0f,\"samples\":%d,"
                        + "\"rssFirstKiB\":%d,\"rssLastKiB\":%d,\"rssMaxKiB\":%d,\"liveHeapFirstKiB\":%d,"
                        + "\"liveHeapLastKiB\":%d,\"liveHeapMaxKiB\":%d,\"completed\":%b}%n",
                run.requests(), run.errors(), run.seconds(), all.size(), first.rssKiB(), last.rssKiB(),
                all.stream().mapToLong(Sample::rssKiB).max().orElse(0), first.liveHeapKiB(),
                last.liveHeapKiB(), all.stream().mapToLong(Sample::liveHeapKiB).max().orElse(0),
                run.requests() >= requests);
    }

    /** The last line of {@code GC.class_histogram}: "Total", instances, bytes. */
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

    /**
     * The server's VmRSS, and the bytes of its live objects: {@code jcmd PID GC.class_histogram} collects the whole
     * heap and counts what is left in the same safepoint, so objects allocated by requests served meanwhile are not
     * counted (a separate {@code GC.run} and {@code GC.heap_info} would count them).
     */
    private static Sample sample(long pid, long requests, long t0) {
        long rss = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException e) {
            rss = -1;
        }
        long live = -1;
        for (int attempt = 0; attempt < 3 && live < 0; attempt++) { // attaching can time out on a loaded machine
            String histogram = jcmd(pid, "GC.class_histogram");
            Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
            if (m.find()) {
                live = Long.parseLong(m.group(1)) / 1024;
            } else {
                System.err.println("memory: jcmd " + pid + " GC.class_histogram gave no total: "
                        + histogram.lines().limit(3).toList());
            }
        }
        return new Sample(requests, (System.nanoTime() - t0) / 1e9, rss, live);
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
