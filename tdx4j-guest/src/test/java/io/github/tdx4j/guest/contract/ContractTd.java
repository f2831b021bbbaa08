package io.github.tdx4j.guest.contract;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.TdAttestation;
import java.util.List;

/**
 * A TD with the guest services booted on it, as the contract suite sees it: the guest, a vCPU that runs x86
 * code, and what an observer outside the TD can check (the console, the host's view of memory and RTMRs, the
 * registers the VMM received).
 */
interface ContractTd extends AutoCloseable {
    /** First GPA of the page pool the guest services allocate from. */
    long POOL = 0x1000_0000L;
    long POOL_BYTES = 1L << 20;
    /** Where {@link #run} places code. */
    long CODE = 0x20_0000L;

    /** What a backend can do beyond running the services. */
    enum Capability {
        /**
         * The tdx4j guest services themselves run in this TD ({@link #guest()}): true on simulated platforms; a
         * real TD's kernel owns #VE, memory and TDVMCALLs, so there only {@link #attestation()} is available.
         */
        GUEST_SERVICES,
        /** Run x86 instruction sequences on a vCPU. */
        RUN_CODE,
        /** Make the host misbehave ({@link Scenario#tampers}, host settings). */
        HOST_CONTROL,
        /** See the host's side: console, shared memory, RTMRs, registers the VMM received. */
        HOST_VIEW
    }

    boolean supports(Capability c);

    TdxGuest guest();

    /** TDREPORT, RTMR and quotes, whatever provides them in this TD. */
    TdAttestation attestation();

    /** How a code run ended. */
    record Run(boolean completed, TdxFailure fault, long rip) {
    }

    /** Runs {@code code} at {@link #CODE} on vCPU 0 until RIP passes its end or it faults. */
    Run run(byte... code);

    /** {@link #run(byte...)} with the bytes written as ints (0x00..0xFF), as opcode tables list them. */
    default Run run(int... code) {
        byte[] b = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            b[i] = (byte) code[i];
        }
        return run(b);
    }

    long reg(Gpr g);

    void setReg(Gpr g, long value);

    void setInterruptsEnabled(boolean on);

    String console();

    /** The RTMR as the platform (not the guest) reports it. */
    byte[] hostRtmr(int index);

    /** The MMIO test device's GPA, shared bit set. */
    long mmio();

    /** Reads what the host sees at a GPA (shared bit ignored). */
    byte[] hostRead(long gpa, int length);

    boolean hostSeesShared(long gpa);

    /** Input registers (by GPR number) of every TDVMCALL with sub-function {@code fn} the VMM received. */
    List<long[]> vmmReceived(long fn);

    /** How many guest reads started exactly at {@code gpa}. */
    int guestReadsAt(long gpa);

    /** The host injects interrupt {@code vector} into vCPU 0 at platform time {@code nanos}. */
    void hostInterruptAt(long nanos, int vector);

    /** Lets simulated time pass. */
    void idle(long nanos);

    /** Why the TD stopped, or null. */
    String stopReason();

    /** Whether the host can verify {@code report}'s MAC (TDG.MR.VERIFYREPORT / EVERIFYREPORT2). */
    boolean hostVerifiesReport(byte[] report);

    @Override
    void close();
}
