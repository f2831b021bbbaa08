/**
 * The fault campaign: guest services ({@code io.github.tdx4j.guest}) on the simulated platform against the
 * adversarial VMM and faulty module of {@code io.github.tdx4j.sim.adversary}, every run checked by oracles,
 * replayable from (model version, seed, tape) and shrinkable.
 */
module io.github.tdx4j.campaign {
    requires transitive io.github.tdx4j.sim;
    requires transitive io.github.tdx4j.guest;

    exports io.github.tdx4j.campaign;
}
