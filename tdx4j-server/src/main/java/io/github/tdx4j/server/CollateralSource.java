package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.PcsClient.CrlItem;
import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.attest.collateral.PcsClient.SignedItem;
import io.github.tdx4j.attest.collateral.PcsClient.Tee;
import java.util.Optional;

/**
 * Where the server's collateral comes from, for {@code POST /verify} (a platform's whole collateral) and for the
 * PCCS-compatible routes (one item each): a fixed set ({@link FixedCollateral}: the simulator's, or an imported
 * bundle, Intel PCCS's OFFLINE fill mode) or fetched on a miss and refreshed ({@link LazyCollateral}: Intel PCCS's
 * LAZY fill mode, through {@code PcsClient} and its disk cache).
 */
sealed interface CollateralSource extends AutoCloseable permits FixedCollateral, LazyCollateral {
    /** The outcome of a look-up, for the metrics: served from memory, fetched upstream, or not available. */
    enum Outcome { HIT, MISS, ABSENT }

    /** A look-up result. */
    record Found<T>(Optional<T> item, Outcome outcome) {
        static <T> Found<T> absent() {
            return new Found<>(Optional.empty(), Outcome.ABSENT);
        }
    }

    /**
     * The collateral to verify a quote of platform family {@code fmspc} whose PCK certificate {@code ca} issued.
     *
     * @param fmspc 12 hex digits, upper case
     */
    Found<Collateral> forPlatform(Tee tee, String fmspc, PckCa ca);

    /** The TCB info of {@code tee} for {@code fmspc} (12 upper-case hex digits). */
    Found<SignedItem> tcbInfo(Tee tee, String fmspc);

    /** The QE identity of {@code tee}. */
    Found<SignedItem> qeIdentity(Tee tee);

    /** The CRL of the PCK certificates {@code ca} issued. */
    Found<CrlItem> pckCrl(PckCa ca);

    /** The root CA's CRL. */
    Found<CrlItem> rootCaCrl();

    /** One line saying where collateral comes from, for the start-up message and {@code /healthz}. */
    String describe();

    /** Stops background work (LAZY mode's refreshes). */
    @Override
    default void close() {
    }
}
