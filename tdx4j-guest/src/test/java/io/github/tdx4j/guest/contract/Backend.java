package io.github.tdx4j.guest.contract;

/**
 * The platforms the contract suite runs on. Add a constant to run the whole suite against another backend: the
 * adversarial simulator, or the real Linux backend (which supports only the capabilities a real TD offers; the
 * tests that need more are not run against it).
 */
enum Backend {
    /** The simulated TDX module 1.5 with the honest KVM + QEMU model (tampers applied on top when a test asks). */
    HONEST_SIM {
        @Override
        ContractTd open(Scenario scenario) {
            return new SimContractTd(scenario);
        }
    };

    abstract ContractTd open(Scenario scenario);
}
