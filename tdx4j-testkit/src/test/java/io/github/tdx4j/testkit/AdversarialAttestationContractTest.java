package io.github.tdx4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.adversary.AdversarialVmm;
import io.github.tdx4j.sim.adversary.Adversary;
import io.github.tdx4j.sim.adversary.FaultTape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * The attestation contract on the guest services over the adversarial simulator: a host whose every answer comes
 * from a fault tape (tdx4j-sim's {@code AdversarialVmm}). The host may make GetQuote fail, but only closed, with an
 * error whose origin is the VMM; TDREPORT and RTMR extend are TDX-module calls it cannot touch, and any result
 * returned must be exactly right. Six tapes from fixed seeds, each run as its own nested suite: on tapes 1-4 every
 * byte is random, so nearly every host answer is a fault and no quote completes; on the sparse tapes 5 and 6 one
 * byte in eight is a fault, so quotes also complete on a faulty host and their content is held to the contract.
 */
class AdversarialAttestationContractTest {
    /**
     * A TD on a host driven by a tape of 256 bytes from {@code seed}: with {@code faultOneIn} 1 every byte is random;
     * with n > 1 a byte is a fault (1..255) with probability 1/n and otherwise 0, the honest answer.
     */
    static TdAttestation open(long seed, int faultOneIn) {
        byte[] tape = new byte[256];
        SplittableRandom random = new SplittableRandom(seed);
        if (faultOneIn == 1) {
            random.nextBytes(tape);
        } else {
            for (int i = 0; i < tape.length; i++) {
                tape[i] = random.nextInt(faultOneIn) == 0 ? (byte) random.nextInt(1, 256) : 0;
            }
        }
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(), SimSettings.strict(),
                AdversarialVmm.factory(new Adversary(new FaultTape(tape)), null));
        return SimulatedAttestationContractTest.guestAttestation(td);
    }

    /** Shared by the nested suites, so the outer class can check that both outcomes were exercised. */
    private static int totalRefusals;
    private static int totalResults;
    private static int totalQuotes;

    @AfterAll
    static void bothOutcomesHappened() {
        assertThat(totalRefusals).as("operations the hostile host made fail closed, over all tapes").isPositive();
        assertThat(totalResults).as("operations that returned a result checked by the contract").isPositive();
        assertThat(totalQuotes).as("quotes returned on a faulty host (sparse tapes), checked by the contract").isPositive();
    }

    abstract static class WithTape extends TdAttestationContract {
        abstract long seed();

        /** A tape byte is a fault with probability 1/faultOneIn; 1 makes every byte random. */
        int faultOneIn() {
            return 1;
        }

        @Override
        protected TdAttestation open() {
            return AdversarialAttestationContractTest.open(seed(), faultOneIn());
        }

        @Override
        protected boolean hostMayRefuse() {
            return true;
        }

        @org.junit.jupiter.api.AfterEach
        void count() {
            totalRefusals += refusals;
            totalResults += results;
            totalQuotes += quoteResults;
        }
    }

    @Nested
    class Tape1 extends WithTape {
        @Override
        long seed() {
            return 1;
        }
    }

    @Nested
    class Tape2 extends WithTape {
        @Override
        long seed() {
            return 2;
        }
    }

    @Nested
    class Tape3 extends WithTape {
        @Override
        long seed() {
            return 3;
        }
    }

    @Nested
    class Tape4 extends WithTape {
        @Override
        long seed() {
            return 4;
        }
    }

    @Nested
    class SparseTape5 extends WithTape {
        @Override
        long seed() {
            return 5;
        }

        @Override
        int faultOneIn() {
            return 8;
        }
    }

    @Nested
    class SparseTape6 extends WithTape {
        @Override
        long seed() {
            return 6;
        }

        @Override
        int faultOneIn() {
            return 8;
        }
    }
}
