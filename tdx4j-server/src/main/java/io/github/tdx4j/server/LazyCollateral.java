package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.PcsClient;
import io.github.tdx4j.attest.collateral.PcsClient.CrlItem;
import io.github.tdx4j.attest.collateral.PcsClient.Freshness;
import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.attest.collateral.PcsClient.SignedItem;
import io.github.tdx4j.attest.collateral.PcsClient.Tee;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * Collateral fetched on a miss from Intel's PCS or an upstream PCCS through {@link PcsClient} (whose disk cache, when
 * configured, keeps the raw responses across restarts), and refreshed ahead of its {@code nextUpdate}: Intel PCCS's
 * LAZY fill mode, for TDX and SGX.
 *
 * <p>Each item is held on its own, as the PCCS routes serve it: the TCB info per TEE and FMSPC, the QE identity per
 * TEE, the PCK CRL per PCK CA (processor, platform) and the root CA CRL. A platform's collateral for
 * {@code POST /verify} is put together from its four items (and kept, so that the verifier's cache of checked
 * collateral sees the same object until an item changes).
 *
 * <ul>
 *   <li><b>Miss</b>: an item not held, or held past its nextUpdate, is fetched while the request waits; concurrent
 *       misses of one item share one fetch. A failed fetch answers 502 and is not kept.</li>
 *   <li><b>Refresh</b>: after each fetch a refresh is planned by the {@link RefreshPolicy} on the
 *       {@link RefreshScheduler}, asking upstream even when the disk cache's copy is still fresh. A failed refresh is
 *       retried with backoff a bounded number of times; meanwhile the copy held, still before its nextUpdate, is
 *       served, {@code tdx4j_collateral_refresh_failing} counts the item, and a (rate-limited) warning says so.</li>
 *   <li><b>Bounds</b>: at most {@link #MAX_PLATFORMS} TCB infos are held; past that the least recently used one is
 *       dropped with its planned refreshes. The other items are six at most. Each item has at most one planned
 *       refresh.</li>
 * </ul>
 */
final class LazyCollateral implements CollateralSource {
    /** The most TCB infos (platform families) held in memory. */
    static final int MAX_PLATFORMS = 256;

    /** The kinds of item, with their metric label. */
    enum ItemKind {
        TCB_INFO("tcb_info"), QE_IDENTITY("qe_identity"), PCK_CRL("pck_crl"), ROOT_CA_CRL("root_ca_crl");

        final String label;

        ItemKind(String label) {
            this.label = label;
        }
    }

    /** An item held, and its nextUpdate. */
    private record Held<T>(T item, Instant nextUpdate) {
    }

    /** A platform's collateral as last put together, with the items it was made of (compared by identity). */
    private record Assembled(Object tcb, Object qe, Object pckCrl, Object rootCaCrl, Collateral collateral) {
    }

    /** One item: the copy held, the fetch in progress, and the refresh state. */
    private static final class Slot<T> {
        final ItemKind kind;
        final String what;
        final Function<Freshness, Held<T>> fetch;
        final Assembled[] assembled = new Assembled[PckCa.values().length]; // TCB info slots: one per PCK CA
        volatile Held<T> held;
        volatile long lastUsed;
        volatile boolean evicted;
        boolean failing; // guarded by this
        FutureTask<Held<T>> pending; // guarded by this

        Slot(ItemKind kind, String what, Function<Freshness, Held<T>> fetch) {
            this.kind = kind;
            this.what = what;
            this.fetch = fetch;
        }
    }

    private final PcsClient client;
    private final Clock clock;
    private final RefreshPolicy policy;
    private final RefreshScheduler scheduler;
    private final ServerMetrics metrics;
    private final RateLimitedLog log;
    private final String description;
    private final Map<String, Slot<SignedItem>> tcbInfos = new ConcurrentHashMap<>();
    private final Map<Tee, Slot<SignedItem>> qeIdentities = new EnumMap<>(Tee.class);
    private final Map<PckCa, Slot<CrlItem>> pckCrls = new EnumMap<>(PckCa.class);
    private final Slot<CrlItem> rootCaCrl;
    private volatile boolean closed;

    LazyCollateral(PcsClient client, Clock clock, RefreshPolicy policy, RefreshScheduler scheduler,
                   ServerMetrics metrics, RateLimitedLog log, String description) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.log = Objects.requireNonNull(log, "log");
        this.description = Objects.requireNonNull(description, "description");
        for (Tee tee : Tee.values()) {
            qeIdentities.put(tee, new Slot<>(ItemKind.QE_IDENTITY, tee + " QE identity",
                    f -> signed(client.qeIdentity(tee, f))));
        }
        for (PckCa ca : PckCa.values()) {
            pckCrls.put(ca, new Slot<>(ItemKind.PCK_CRL, "PCK CRL of the " + ca.name().toLowerCase(Locale.ROOT)
                    + " CA", f -> crl(client.pckCrl(ca, f))));
        }
        rootCaCrl = new Slot<>(ItemKind.ROOT_CA_CRL, "root CA CRL", f -> crl(client.rootCaCrl(f)));
    }

    private static Held<SignedItem> signed(SignedItem item) {
        return new Held<>(item, item.nextUpdate());
    }

    private static Held<CrlItem> crl(CrlItem item) {
        return new Held<>(item, item.nextUpdate());
    }

    @Override
    public Found<Collateral> forPlatform(Tee tee, String fmspc, PckCa ca) {
        Slot<SignedItem> tcbSlot = tcbSlot(tee, fmspc);
        Found<SignedItem> tcb = lookup(tcbSlot);
        Found<SignedItem> qe = lookup(qeIdentities.get(tee));
        Found<CrlItem> pck = lookup(pckCrls.get(ca));
        Found<CrlItem> root = lookup(rootCaCrl);
        boolean miss = tcb.outcome() == Outcome.MISS || qe.outcome() == Outcome.MISS
                || pck.outcome() == Outcome.MISS || root.outcome() == Outcome.MISS;
        SignedItem t = tcb.item().orElseThrow();
        SignedItem q = qe.item().orElseThrow();
        CrlItem p = pck.item().orElseThrow();
        CrlItem r = root.item().orElseThrow();
        Assembled a = tcbSlot.assembled[ca.ordinal()];
        if (a == null || a.tcb() != t || a.qe() != q || a.pckCrl() != p || a.rootCaCrl() != r) {
            a = new Assembled(t, q, p, r, PcsClient.collateral(p, r, t, q));
            tcbSlot.assembled[ca.ordinal()] = a;
        }
        return new Found<>(Optional.of(a.collateral()), miss ? Outcome.MISS : Outcome.HIT);
    }

    @Override
    public Found<SignedItem> tcbInfo(Tee tee, String fmspc) {
        return lookup(tcbSlot(tee, fmspc));
    }

    @Override
    public Found<SignedItem> qeIdentity(Tee tee) {
        return lookup(qeIdentities.get(tee));
    }

    @Override
    public Found<CrlItem> pckCrl(PckCa ca) {
        return lookup(pckCrls.get(ca));
    }

    @Override
    public Found<CrlItem> rootCaCrl() {
        return lookup(rootCaCrl);
    }

    private Slot<SignedItem> tcbSlot(Tee tee, String fmspc) {
        String key = tee + "/" + fmspc;
        Slot<SignedItem> s = tcbInfos.get(key);
        if (s == null) {
            Slot<SignedItem> fresh = new Slot<>(ItemKind.TCB_INFO, tee + " TCB info for FMSPC " + fmspc,
                    f -> signed(client.tcbInfo(tee, fmspc, f)));
            s = tcbInfos.putIfAbsent(key, fresh);
            if (s == null) {
                s = fresh;
                evictBeyondBound();
            }
        }
        s.lastUsed = System.nanoTime();
        return s;
    }

    /** Drops the least recently used TCB infos beyond the bound (a scan of 257 entries, once per new platform). */
    private void evictBeyondBound() {
        while (tcbInfos.size() > MAX_PLATFORMS) {
            Map.Entry<String, Slot<SignedItem>> oldest = null;
            for (Map.Entry<String, Slot<SignedItem>> e : tcbInfos.entrySet()) {
                if (oldest == null || e.getValue().lastUsed - oldest.getValue().lastUsed < 0) {
                    oldest = e;
                }
            }
            if (oldest == null || !tcbInfos.remove(oldest.getKey(), oldest.getValue())) {
                return;
            }
            Slot<SignedItem> gone = oldest.getValue();
            gone.evicted = true;
            setFailing(gone, false);
        }
    }

    /** The item of {@code s}: the copy held while before its nextUpdate, else fetched now (shared by concurrent misses). */
    private <T> Found<T> lookup(Slot<T> s) {
        Held<T> h = s.held;
        if (h != null && clock.instant().isBefore(h.nextUpdate())) {
            return new Found<>(Optional.of(h.item()), Outcome.HIT);
        }
        FutureTask<Held<T>> task;
        boolean mine = false;
        synchronized (s) {
            h = s.held;
            if (h != null && clock.instant().isBefore(h.nextUpdate())) {
                return new Found<>(Optional.of(h.item()), Outcome.HIT);
            }
            if (s.pending == null) {
                s.pending = new FutureTask<>(() -> install(s, s.fetch.apply(Freshness.CACHED_IF_FRESH)));
                mine = true;
            }
            task = s.pending;
        }
        if (mine) {
            try {
                task.run();
            } finally {
                synchronized (s) {
                    s.pending = null;
                }
            }
        }
        try {
            return new Found<>(Optional.of(task.get().item()), Outcome.MISS);
        } catch (ExecutionException e) {
            String why = e.getCause() instanceof CollateralException c ? ": " + c.getMessage() : "";
            throw new ApiException(502, "UPSTREAM", "fetching the " + s.what + " failed" + why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "SHUTTING_DOWN", "the server is stopping");
        }
    }

    /** Makes {@code h} the copy of {@code s} and plans its refresh. */
    private <T> Held<T> install(Slot<T> s, Held<T> h) {
        s.held = h;
        setFailing(s, false);
        planRound(s, h, clock.instant());
        return h;
    }

    private <T> void planRound(Slot<T> s, Held<T> basis, Instant now) {
        Optional<Instant> at = policy.nextRound(now, basis.nextUpdate());
        at.ifPresent(t -> schedule(t, () -> refresh(s, basis, 0)));
    }

    private void schedule(Instant at, Runnable task) {
        if (!closed) {
            scheduler.schedule(at, task);
        }
    }

    /**
     * One refresh attempt of {@code s}, planned when {@code basis} was its copy; {@code retriesDone} retries of this
     * round have failed before. Does nothing when the copy changed meanwhile, the slot was dropped, or the copy has
     * expired (the next look-up then fetches it as a miss).
     */
    private <T> void refresh(Slot<T> s, Held<T> basis, int retriesDone) {
        Instant now = clock.instant();
        if (closed || s.evicted || s.held != basis || !now.isBefore(basis.nextUpdate())) {
            return;
        }
        Held<T> fresh;
        try {
            fresh = s.fetch.apply(Freshness.UPSTREAM);
        } catch (RuntimeException e) { // CollateralException from upstream; anything else must not end the refreshes
            metrics.refresh(s.kind.label, "failed");
            setFailing(s, true);
            Optional<Instant> retry = policy.retry(now, retriesDone + 1, basis.nextUpdate());
            String plan;
            if (retry.isPresent()) {
                schedule(retry.get(), () -> refresh(s, basis, retriesDone + 1));
                plan = "retry " + (retriesDone + 1) + " of " + policy.retries() + " at " + retry.get();
            } else {
                Optional<Instant> round = policy.nextRound(now, basis.nextUpdate());
                round.ifPresent(t -> schedule(t, () -> refresh(s, basis, 0)));
                plan = round.map(t -> "next attempt at " + t).orElse("no further attempt before it expires");
            }
            log.warn("tdx4j serve: refreshing the " + s.what + " from upstream failed (" + describe(e)
                    + "); still serving the copy valid until " + basis.nextUpdate() + "; " + plan);
            return;
        }
        metrics.refresh(s.kind.label, "refreshed");
        boolean wasFailing;
        synchronized (s) {
            wasFailing = s.failing;
        }
        install(s, fresh);
        if (wasFailing) {
            log.warn("tdx4j serve: refreshing the " + s.what + " succeeded again; its copy is valid until "
                    + fresh.nextUpdate());
        }
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void setFailing(Slot<?> s, boolean failing) {
        synchronized (s) {
            if (s.failing == failing) {
                return;
            }
            s.failing = failing;
        }
        metrics.refreshFailing(failing ? 1 : -1);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        closed = true;
        scheduler.close();
    }
}
