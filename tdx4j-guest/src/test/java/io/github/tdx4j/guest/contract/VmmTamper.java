package io.github.tdx4j.guest.contract;

/**
 * A misbehaviour of the host, applied after the honest VMM answered one TDVMCALL: it may rewrite the registers the
 * guest gets back and act as the host (schedule work, write guest-shared memory). Used by the regression tests that
 * need a VMM doing what a hostile one would.
 */
@FunctionalInterface
interface VmmTamper {
    /**
     * @param regs the VMM's register view after the honest answer, by GPR number; writable
     * @param host what the host may do
     */
    void after(long[] regs, TamperHost host);

    /** The host actions a tamper may take. */
    interface TamperHost {
        long now();

        /** Runs {@code action} at simulated time {@code nanos}, after host work already scheduled for then. */
        void at(long nanos, Runnable action);

        void writeLong(long gpa, long value);

        void writeInt(long gpa, int value);

        void write(long gpa, byte[] bytes);
    }
}
