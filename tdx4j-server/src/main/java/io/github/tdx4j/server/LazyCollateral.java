package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.PcsClient;
import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.attest.collateral.QeIdentity;
import io.github.tdx4j.attest.collateral.TcbInfo;
import io.github.tdx4j.server.CollateralItems.Tee;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Collateral fetched on a miss from Intel's PCS or an upstream PCCS through {@link PcsClient} (whose disk cache, when
 * configured, keeps the raw responses across restarts): Intel PCCS's LAZY fill mode. Fetched collateral is kept in
 * memory until the earlier of its TCB info's and QE identity's {@code nextUpdate}, then fetched again on the next
 * look-up (the refresh happens before a stale item would be served). At most {@link #MAX_PLATFORMS} platforms are
 * kept; past that the oldest entry is dropped. Concurrent misses of one platform share one fetch.
 *
 * <p>Only TDX collateral is fetched ({@link PcsClient#fetchTdx}); the PCK CRL, root CA CRL and QE identity routes
 * answer from platforms already fetched, and 404 ("No cache data", as Intel's PCCS) before the first one.
 */
final class LazyCollateral implements CollateralSource {
    /** The most platforms kept in memory. */
    static final int MAX_PLATFORMS = 256;

    private record Entry(Collateral collateral, Instant staleAt) {
    }

    private final PcsClient client;
    private final Clock clock;
    private final String description;
    private final Map<String, FutureTask<Entry>> entries = new ConcurrentHashMap<>();

    LazyCollateral(PcsClient client, Clock clock, String description) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public Found forPlatform(Tee tee, String fmspc, PckCa ca) {
        if (tee != Tee.TDX) {
            return new Found(Optional.empty(), Outcome.ABSENT);
        }
        String key = fmspc + "/" + ca;
        FutureTask<Entry> task = entries.get(key);
        Outcome outcome = Outcome.HIT;
        if (task != null && task.isDone() && isStale(task)) {
            entries.remove(key, task);
            task = null;
        }
        if (task == null) {
            FutureTask<Entry> fresh = new FutureTask<>(() -> fetch(fmspc, ca));
            task = entries.putIfAbsent(key, fresh);
            if (task == null) {
                task = fresh;
                outcome = Outcome.MISS;
                evictBeyondBound();
                fresh.run();
            }
        }
        try {
            return new Found(Optional.of(task.get().collateral()), outcome);
        } catch (ExecutionException e) {
            entries.remove(key, task); // a failed fetch is not kept: the next look-up tries again
            if (e.getCause() instanceof CollateralException c) {
                throw new ApiException(502, "UPSTREAM", "fetching collateral for FMSPC " + fmspc + " failed: "
                        + c.getMessage());
            }
            throw new ApiException(502, "UPSTREAM", "fetching collateral for FMSPC " + fmspc + " failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "SHUTTING_DOWN", "the server is stopping");
        }
    }

    private Entry fetch(String fmspc, PckCa ca) {
        Collateral c = client.fetchTdx(fmspc, ca);
        Instant tcb = TcbInfo.parse(c.tcbInfo()).nextUpdate();
        Instant qe = QeIdentity.parse(c.qeIdentity()).nextUpdate();
        return new Entry(c, tcb.isBefore(qe) ? tcb : qe);
    }

    private boolean isStale(FutureTask<Entry> task) {
        try {
            return !clock.instant().isBefore(task.get().staleAt());
        } catch (ExecutionException | InterruptedException e) {
            return true;
        }
    }

    private void evictBeyondBound() {
        Iterator<String> it = entries.keySet().iterator();
        while (entries.size() > MAX_PLATFORMS && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private Optional<Collateral> anyDone(java.util.function.Predicate<CollateralItems> wanted) {
        for (FutureTask<Entry> t : entries.values()) {
            if (t.isDone() && !isStale(t)) {
                try {
                    Collateral c = t.get().collateral();
                    if (wanted.test(CollateralItems.of(c))) {
                        return Optional.of(c);
                    }
                } catch (ExecutionException | InterruptedException e) {
                    // a failed fetch holds nothing to serve
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Collateral> withPckCa(PckCa ca) {
        return anyDone(i -> i.pckCa() == ca);
    }

    @Override
    public Optional<Collateral> withQeIdentity(Tee tee) {
        return anyDone(i -> i.qeTee() == tee);
    }

    @Override
    public String describe() {
        return description;
    }
}
