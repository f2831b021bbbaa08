package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.server.CollateralItems.Tee;
import java.util.Optional;

/**
 * Where the server's collateral comes from, for {@code POST /verify} and for the PCCS-compatible routes: a fixed set
 * ({@link FixedCollateral}: the simulator's, or an imported bundle, Intel PCCS's OFFLINE fill mode) or fetched on a
 * miss ({@link LazyCollateral}: Intel PCCS's LAZY fill mode, through {@code PcsClient} and its disk cache).
 */
sealed interface CollateralSource permits FixedCollateral, LazyCollateral {
    /** The outcome of a look-up, for the metrics: served from memory, fetched upstream, or not available. */
    enum Outcome { HIT, MISS, ABSENT }

    /** A look-up result. */
    record Found(Optional<Collateral> collateral, Outcome outcome) {
    }

    /**
     * The collateral to verify a quote of platform family {@code fmspc} whose PCK certificate {@code ca} issued.
     *
     * @param fmspc 12 hex digits, upper case
     */
    Found forPlatform(Tee tee, String fmspc, PckCa ca);

    /** Collateral whose PCK CRL is from {@code ca}, if any is known (the PCK CRL and root CA CRL routes). */
    Optional<Collateral> withPckCa(PckCa ca);

    /** Collateral whose QE identity is for {@code tee}, if any is known (the QE identity route). */
    Optional<Collateral> withQeIdentity(Tee tee);

    /** One line saying where collateral comes from, for the start-up message and {@code /healthz}. */
    String describe();
}
