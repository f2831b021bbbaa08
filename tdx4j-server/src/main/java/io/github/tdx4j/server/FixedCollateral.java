package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.PcsClient;
import io.github.tdx4j.attest.collateral.PcsClient.CrlItem;
import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.attest.collateral.PcsClient.SignedItem;
import io.github.tdx4j.attest.collateral.PcsClient.Tee;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A fixed set of collateral, served as it is and never fetched: the simulated platform's, or a bundle of
 * {@code QuoteCollateralV3} JSON files imported at start (Intel PCCS's OFFLINE fill mode: "the PCCS never reaches
 * Intel"). Items are indexed by what the PCCS routes ask for; a platform's collateral is assembled from its TCB info
 * (by TEE and FMSPC), the QE identity of its TEE and the PCK CRL of its CA, so one bundle file can serve the QE
 * identity and CRLs of many platforms.
 */
final class FixedCollateral implements CollateralSource {
    /** The most files a bundle folder may hold: a bundle is a handful of platforms, not a data set. */
    static final int MAX_BUNDLE_FILES = 1024;
    /** The largest bundle file read: a QuoteCollateralV3 file with the processor CA's CRL is well under 1 MiB. */
    static final long MAX_BUNDLE_FILE_BYTES = 4L << 20;

    private final Map<String, CollateralItems> byPlatform = new LinkedHashMap<>();
    private final Map<PckCa, CollateralItems> byCa = new LinkedHashMap<>();
    private final Map<Tee, CollateralItems> byQeTee = new LinkedHashMap<>();
    private final Map<String, Collateral> assembled = new ConcurrentHashMap<>();
    private final String description;

    FixedCollateral(List<Collateral> items, String description) {
        this.description = Objects.requireNonNull(description, "description");
        for (Collateral c : items) {
            CollateralItems i = CollateralItems.of(c);
            byPlatform.putIfAbsent(key(i.tee(), i.fmspc()), i);
            byCa.putIfAbsent(i.pckCa(), i);
            byQeTee.putIfAbsent(i.qeTee(), i);
        }
    }

    /**
     * The bundle in {@code path}: one {@code QuoteCollateralV3} JSON file, or a folder of them ({@code *.json}).
     *
     * @throws IllegalArgumentException one sentence naming the file, when the bundle cannot be read
     */
    static FixedCollateral bundle(Path path) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().limit(MAX_BUNDLE_FILES + 1L)
                        .forEach(files::add);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot list the bundle folder " + path + " (" + IoReasons.of(e)
                        + ")");
            }
            if (files.size() > MAX_BUNDLE_FILES) {
                throw new IllegalArgumentException("the bundle folder " + path + " has more than "
                        + MAX_BUNDLE_FILES + " JSON files");
            }
        } else {
            files.add(path);
        }
        List<Collateral> items = new ArrayList<>();
        for (Path f : files) {
            try {
                if (Files.size(f) > MAX_BUNDLE_FILE_BYTES) {
                    throw new IllegalArgumentException("the bundle file " + f + " is larger than "
                            + MAX_BUNDLE_FILE_BYTES + " bytes");
                }
                Collateral c = QuoteCollateralV3.parse(Files.readAllBytes(f));
                CollateralItems.of(c); // every item must parse now, not at the first request
                items.add(c);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the bundle file " + f + " (" + IoReasons.of(e) + ")");
            } catch (CollateralException e) {
                throw new IllegalArgumentException("the bundle file " + f + " is not QuoteCollateralV3 collateral: "
                        + e.getMessage());
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("the bundle " + path + " holds no QuoteCollateralV3 JSON file");
        }
        return new FixedCollateral(items, "offline bundle " + path + " (" + items.size() + " file"
                + (items.size() == 1 ? "" : "s") + ")");
    }

    private static String key(Tee tee, String fmspc) {
        return tee + "/" + fmspc;
    }

    @Override
    public Found<Collateral> forPlatform(Tee tee, String fmspc, PckCa ca) {
        CollateralItems tcb = byPlatform.get(key(tee, fmspc));
        CollateralItems crl = byCa.get(ca);
        CollateralItems qe = byQeTee.get(tee);
        if (tcb == null || crl == null || qe == null) {
            return Found.absent();
        }
        if (tcb == crl && tcb == qe) {
            return hit(tcb.content());
        }
        // Assembled once per platform and CA (a bounded set: the bundle's TCB infos times two CAs), so that the
        // verifier's cache of checked collateral sees the same object every time.
        Collateral whole = assembled.computeIfAbsent(key(tee, fmspc) + "/" + ca,
                k -> PcsClient.collateral(crl.pckCrl(), crl.rootCaCrl(), tcb.tcbInfo(), qe.qeIdentity()));
        return hit(whole);
    }

    private static <T> Found<T> hit(T item) {
        return new Found<>(Optional.of(item), Outcome.HIT);
    }

    private static <T> Found<T> held(Optional<T> item) {
        return item.isPresent() ? new Found<>(item, Outcome.HIT) : Found.absent();
    }

    @Override
    public Found<SignedItem> tcbInfo(Tee tee, String fmspc) {
        return held(Optional.ofNullable(byPlatform.get(key(tee, fmspc))).map(CollateralItems::tcbInfo));
    }

    @Override
    public Found<SignedItem> qeIdentity(Tee tee) {
        return held(Optional.ofNullable(byQeTee.get(tee)).map(CollateralItems::qeIdentity));
    }

    @Override
    public Found<CrlItem> pckCrl(PckCa ca) {
        return held(Optional.ofNullable(byCa.get(ca)).map(CollateralItems::pckCrl));
    }

    @Override
    public Found<CrlItem> rootCaCrl() {
        return held(Optional.ofNullable(byCa.get(PckCa.PLATFORM)).or(() -> Optional.ofNullable(byCa.get(PckCa.PROCESSOR)))
                .map(CollateralItems::rootCaCrl));
    }

    @Override
    public String describe() {
        return description;
    }
}
